import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX, PASSWORD_MIN } from '../passwords.js';
import { trim, trimLower } from './auth.dto.js';

// New passwords are checked by the password policy (400 WEAK_PASSWORD), not by length
// rules here; the bound only keeps absurd bodies out. The contract states the policy's
// limits (code points, as JSON Schema counts them and the policy does).
const PASSWORD_BOUND = 1024;
const NEW_PASSWORD = {
  minLength: PASSWORD_MIN,
  maxLength: PASSWORD_MAX,
  description: `${PASSWORD_MIN}-${PASSWORD_MAX} characters, not a common password (else 400 WEAK_PASSWORD).`,
};

/** The answer to requests whose outcome must not reveal whether an account exists. */
export class AcceptedDto {
  @ApiProperty({ enum: ['accepted'], example: 'accepted' })
  status!: 'accepted';
}

export const ACCEPTED: AcceptedDto = { status: 'accepted' };

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: 254 })
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', ...NEW_PASSWORD })
  @IsString()
  @MaxLength(PASSWORD_BOUND)
  password!: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;
}

export class EmailDto {
  @ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: 254 })
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

export class OneTimeTokenDto {
  @ApiProperty({
    description: 'The token from the link in the mail.',
    minLength: 1,
    maxLength: 200,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  token!: string;
}

export class ResetPasswordDto extends OneTimeTokenDto {
  @ApiProperty(NEW_PASSWORD)
  @IsString()
  @MaxLength(PASSWORD_BOUND)
  password!: string;
}

export class AcceptInviteDto extends ResetPasswordDto {
  @ApiPropertyOptional({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;
}

export class ChangePasswordDto {
  @ApiProperty({ description: 'The current password.', minLength: 1, maxLength: PASSWORD_BOUND })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_BOUND)
  currentPassword!: string;

  @ApiProperty(NEW_PASSWORD)
  @IsString()
  @MaxLength(PASSWORD_BOUND)
  newPassword!: string;
}

export class ChangeEmailDto {
  @ApiProperty({ example: 'ada@new.example.com', format: 'email', maxLength: 254 })
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  newEmail!: string;

  @ApiProperty({ description: 'The current password.', minLength: 1, maxLength: PASSWORD_BOUND })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_BOUND)
  password!: string;
}

export class ConfirmPasswordDto {
  @ApiProperty({ description: 'The current password.', minLength: 1, maxLength: PASSWORD_BOUND })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_BOUND)
  password!: string;
}
