import { Inject, Injectable, Logger } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { APP_CONFIG } from '../config/config.module.js';
import { NodeEnv, type AppConfig } from '../config/app-config.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName } from '../queue/queue.constants.js';
import { describeDeliveryError } from './delivery-error.js';
import { MailStatus } from './mail-message.entity.js';
import { MailMessageRepository } from './mail-message.repository.js';
import { MailRenderer } from './templates/mail-renderer.js';
import type { MailTemplate, MailTemplateData } from './templates/mail-template.js';

const HOUR_MS = 3600 * 1000;

export interface MailReceipt {
  /** The outbox row. */
  id: string;
  /** `queued`, or `suppressed` when the recipient is over the hourly limit. */
  status: MailStatus.Queued | MailStatus.Suppressed;
}

/**
 * The one way features send mail: render, store, enqueue delivery. Without SMTP_URL, in
 * development and in the embedded default (DATABASE_URL unset), the log shows each mail's
 * links: the local operator has no inbox to find them in. That is the only place a link is
 * ever logged.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');

  constructor(
    private readonly renderer: MailRenderer,
    private readonly mails: MailMessageRepository,
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Renders the template, stores the mail and enqueues its delivery (job id = mail id, so
   * enqueueing twice delivers once). Over MAIL_PER_RECIPIENT_PER_HOUR the mail is stored
   * as suppressed and not sent; that is not an error, so callers cannot reveal whether an
   * account exists by failing differently.
   */
  async send<T extends MailTemplate>(
    to: string,
    template: T,
    data: MailTemplateData[T],
  ): Promise<MailReceipt> {
    const recipient = to.trim();
    if (!isEmail(recipient)) throw new Error('MailService.send: "to" must be one email address');
    const { subject, text, html, masked, links } = this.renderer.render(template, data);
    const since = new Date(Date.now() - HOUR_MS);
    const mail = await this.mails.insertWithinLimit(
      {
        recipient,
        template,
        subject,
        text,
        html,
        maskedText: masked?.text ?? null,
        maskedHtml: masked?.html ?? null,
      },
      since,
      this.config.mail.perRecipientPerHour,
      // Never delivered: with SMTP its single-use links are not kept readable either.
      { maskIfSuppressed: this.config.mail.smtpUrl !== undefined },
    );
    if (mail.status === MailStatus.Suppressed) {
      this.logger.warn({
        msg: 'mail suppressed: recipient is over MAIL_PER_RECIPIENT_PER_HOUR',
        mailId: mail.id,
        recipient,
        template,
        limit: this.config.mail.perRecipientPerHour,
      });
      return { id: mail.id, status: MailStatus.Suppressed };
    }
    try {
      await this.producer.enqueue(JobName.SendMail, { mailId: mail.id }, { jobId: mail.id });
    } catch (err) {
      // The queue backend is down: the row must not wait as 'queued' for a job that never comes.
      await this.mails.markFailed(mail.id, `could not enqueue: ${describeDeliveryError(err)}`);
      throw err;
    }
    if (links.length > 0 && this.logsLinks()) {
      this.logger.log({
        msg: `mail "${subject}" to ${recipient}: ${links.join(' ')}`,
        mailId: mail.id,
        recipient,
        template,
        links,
      });
    }
    return { id: mail.id, status: MailStatus.Queued };
  }

  /** SMTP_URL unset, in development or the embedded default. */
  private logsLinks(): boolean {
    const { env, mail, database } = this.config;
    return !mail.smtpUrl && (env === NodeEnv.Development || database.url === undefined);
  }
}
