import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<id@domain>`, the same on every attempt of one mail. */
  messageId: string;
}

/**
 * The SMTP connection (SMTP_URL), created once per process; absent when SMTP_URL is
 * unset (mails then stay in the outbox table).
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private readonly transporter?: Transporter;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { smtpUrl, from } = config.mail;
    if (smtpUrl) {
      this.transporter = createTransport(
        {
          url: smtpUrl,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 60_000,
        },
        { from },
      );
    }
  }

  /** True when SMTP_URL is set. */
  get smtp(): boolean {
    return this.transporter !== undefined;
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (!this.transporter) throw new Error('SMTP_URL is not set');
    await this.transporter.sendMail({
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
    });
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}
