import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { trim, trimLower } from './auth.dto.js';

// Passwords are checked by the password policy (400 WEAK_PASSWORD), not by length rules
// here; the bound only keeps absurd bodies out.
const PASSWORD_BOUND = 1024;

/** The answer to requests whose outcome must not reveal whether an account exists. */
export class AcceptedDto {
  @ApiProperty({ enum: ['accepted'], example: 'accepted' })
  status!: 'accepted';
}

export const ACCEPTED: AcceptedDto = { status: 'accepted' };

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({
    example: 'correct horse battery staple',
    description: '8-128 characters, not a common password.',
    maxLength: PASSWORD_BOUND,
  })
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
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

export class OneTimeTokenDto {
  @ApiProperty({ description: 'The token from the link in the mail.', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  token!: string;
}

export class ResetPasswordDto extends OneTimeTokenDto {
  @ApiProperty({ description: 'The new password.', maxLength: PASSWORD_BOUND })
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
  @ApiProperty({ maxLength: PASSWORD_BOUND })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_BOUND)
  currentPassword!: string;

  @ApiProperty({
    description: '8-128 characters, not a common password.',
    maxLength: PASSWORD_BOUND,
  })
  @IsString()
  @MaxLength(PASSWORD_BOUND)
  newPassword!: string;
}

export class ChangeEmailDto {
  @ApiProperty({ example: 'ada@new.example.com', maxLength: 254 })
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  newEmail!: string;

  @ApiProperty({ description: 'The current password.', maxLength: PASSWORD_BOUND })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_BOUND)
  password!: string;
}

export class ConfirmPasswordDto {
  @ApiProperty({ description: 'The current password.', maxLength: PASSWORD_BOUND })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_BOUND)
  password!: string;
}
