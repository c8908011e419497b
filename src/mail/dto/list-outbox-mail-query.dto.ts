import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../core/pagination/page.js';

export class ListOutboxMailQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'email',
    maxLength: 320,
    description: 'Only mails to this address (case-insensitive).',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  recipient?: string;
}
