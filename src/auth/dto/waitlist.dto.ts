import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../core/pagination/page.js';
import { WaitlistStatus } from '../entities/waitlist-entry.entity.js';

export class ListWaitlistQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WaitlistStatus, enumName: 'WaitlistStatus' })
  @IsOptional()
  @IsEnum(WaitlistStatus)
  status?: WaitlistStatus;
}

export class WaitlistEntryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email!: string;

  @ApiProperty({
    enum: WaitlistStatus,
    enumName: 'WaitlistStatus',
    description:
      'pending: waiting for a decision; approved: invited; rejected; accepted: the ' +
      'invitation was used and the account exists.',
  })
  status!: WaitlistStatus;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The deciding admin.' })
  decidedBy!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The account created from the invitation.',
  })
  userId!: string | null;
}
