import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { MailDeliveryService } from './mail-delivery.service.js';
import { MailMessage } from './mail-message.entity.js';
import { MailMessageRepository } from './mail-message.repository.js';
import { MailOutboxService } from './mail-outbox.service.js';
import { MailProcessor } from './mail.processor.js';
import { MailService } from './mail.service.js';
import { MailTransport } from './mail-transport.js';
import { MailRenderer } from './templates/mail-renderer.js';

/**
 * Sending mail (MailService) and its queue worker: mounted in every role, since workers
 * deliver. The admin HTTP API is MailAdminModule (api roles only).
 */
@Module({
  imports: [TypeOrmModule.forFeature([MailMessage])],
  providers: [
    MailRenderer,
    MailMessageRepository,
    MailService,
    MailTransport,
    MailDeliveryService,
    MailProcessor,
    MailOutboxService,
  ],
  exports: [MailService, MailOutboxService],
})
export class MailModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Mail');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    this.logger.log(
      this.config.mail.smtpUrl
        ? 'mail: SMTP (SMTP_URL)'
        : 'mail: outbox table and log (SMTP_URL unset)',
    );
  }
}
