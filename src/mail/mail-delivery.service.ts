import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { MailStatus } from './mail-message.entity.js';
import { MailMessageRepository } from './mail-message.repository.js';
import { MailTransport } from './mail-transport.js';
import { MailDeliveryError, describeDeliveryError } from './delivery-error.js';
import { messageIdFor } from './message-id.js';

export type DeliveryOutcome = MailStatus | 'missing';

/**
 * Delivers one stored mail: by SMTP when SMTP_URL is set, otherwise it stays in the
 * outbox and the log says so. Idempotent: a mail that is no longer queued is left alone.
 *
 * At least once: the mail stays queued until the SMTP server has accepted it, so a worker
 * that stops in between (killed after the server's "250", before the row is updated)
 * leaves a queued mail whose job BullMQ hands to another worker, which sends it again.
 * Every attempt carries the same Message-ID (`<mail id@MAIL_FROM's domain>`), so receivers
 * can drop the duplicate. Bodies carry single-use tokens, so they are never logged here.
 */
@Injectable()
export class MailDeliveryService {
  private readonly logger = new Logger('Mail');

  constructor(
    private readonly mails: MailMessageRepository,
    private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * @param finalAttempt whether a failure now is the last one (the mail becomes failed)
   * @throws MailDeliveryError when the SMTP server did not take the mail, so the job retries
   */
  async deliver(mailId: string, finalAttempt: boolean): Promise<DeliveryOutcome> {
    const mail = await this.mails.findById(mailId);
    if (!mail) {
      this.logger.warn({ msg: 'mail to deliver does not exist', mailId });
      return 'missing';
    }
    if (mail.status !== MailStatus.Queued) return mail.status;
    const meta = { mailId, recipient: mail.recipient, template: mail.template };

    if (!this.transport.smtp) {
      await this.mails.markLogged(mailId);
      this.logger.log({
        msg: `mail in the outbox (SMTP_URL unset): "${mail.subject}" to ${mail.recipient}`,
        ...meta,
        subject: mail.subject,
      });
      return MailStatus.Logged;
    }

    try {
      await this.transport.send({
        to: mail.recipient,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: messageIdFor(mail.id, this.config.mail.from),
      });
    } catch (err) {
      const error = describeDeliveryError(err, this.config.mail.smtpUrl);
      await this.mails.recordFailure(mailId, error, finalAttempt);
      this.logger.warn({
        msg: finalAttempt ? 'mail delivery failed for good' : 'mail delivery failed; will retry',
        ...meta,
        attempt: mail.attempts + 1,
        error,
      });
      throw new MailDeliveryError(error);
    }
    await this.mails.markSent(mailId);
    this.logger.debug({ msg: 'mail sent', ...meta });
    return MailStatus.Sent;
  }

  /**
   * Marks a still-queued mail failed when its job ended without a verdict from the
   * delivery (every attempt was interrupted, e.g. the workers running it stopped each time).
   */
  async abandon(mailId: string, reason: string): Promise<void> {
    const error = `delivery abandoned: ${describeDeliveryError(reason, this.config.mail.smtpUrl)}`;
    if (await this.mails.markFailed(mailId, error)) {
      this.logger.warn({ msg: 'mail delivery abandoned', mailId, error });
    }
  }
}
