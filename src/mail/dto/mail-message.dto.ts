import { ApiProperty } from '@nestjs/swagger';
import { MailStatus } from '../mail-message.entity.js';
import { MailTemplate } from '../templates/mail-template.js';

/** A mail in the outbox, as administrators see it. */
export class MailMessageDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  recipient!: string;

  @ApiProperty({ enum: MailTemplate, enumName: 'MailTemplate', example: MailTemplate.VerifyEmail })
  template!: string;

  @ApiProperty({ example: 'Confirm your email address for Meridian' })
  subject!: string;

  @ApiProperty({
    description:
      'Plain-text part. Once the SMTP server has taken the mail (or it failed for good, or was ' +
      'suppressed while SMTP_URL is set), single-use links (verification, reset, invitation, ' +
      'email change) show their query values as `redacted`; without SMTP_URL they stay usable.',
  })
  text!: string;

  @ApiProperty({ description: 'HTML part; single-use links masked as in `text`.' })
  html!: string;

  @ApiProperty({
    enum: MailStatus,
    enumName: 'MailStatus',
    description:
      'queued: waiting for a worker or retrying; sent: accepted by the SMTP server; logged: ' +
      'SMTP_URL unset, kept here; failed: every attempt failed; suppressed: over the ' +
      'per-recipient hourly limit, never sent.',
  })
  status!: MailStatus;

  @ApiProperty({ type: 'integer', description: 'Delivery attempts so far.', example: 1 })
  attempts!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The last delivery error (never contains credentials).',
  })
  lastError!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  sentAt!: string | null;
}
