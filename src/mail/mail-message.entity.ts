import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export enum MailStatus {
  /** Stored and enqueued; a worker has not delivered it yet (or is retrying). */
  Queued = 'queued',
  /** Accepted by the SMTP server; single-use links in the stored parts are masked. */
  Sent = 'sent',
  /** SMTP_URL unset: kept in this table (the outbox) and noted in the log. */
  Logged = 'logged',
  /** Every delivery attempt failed. */
  Failed = 'failed',
  /** Over the per-recipient limit: stored, never enqueued. */
  Suppressed = 'suppressed',
}

/**
 * One rendered mail: the record of truth for its delivery, and the outbox admins read.
 * `text`/`html` are what is sent; once SMTP accepts the mail they are replaced by
 * `maskedText`/`maskedHtml` (its single-use links masked), which are then cleared.
 */
@Entity('mail_messages')
@Index('IDX_mail_messages_recipient_created_at', ['recipient', 'createdAt'])
@Index('IDX_mail_messages_created_at_id', ['createdAt', 'id'])
export class MailMessage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'citext' })
  recipient!: string;

  @Column({ type: 'varchar', length: 64 })
  template!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'text' })
  html!: string;

  /** The text part with single-use links masked, until the mail is sent; null when none. */
  @Column({ name: 'masked_text', type: 'text', nullable: true })
  maskedText!: string | null;

  /** The HTML part with single-use links masked, until the mail is sent; null when none. */
  @Column({ name: 'masked_html', type: 'text', nullable: true })
  maskedHtml!: string | null;

  @Column({ type: 'enum', enum: MailStatus, enumName: 'mail_status', default: MailStatus.Queued })
  status!: MailStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** The last delivery error, credentials removed. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Millisecond precision, so the keyset cursor (a JS Date) round-trips exactly. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
