import { Module } from '@nestjs/common';
import { MailController } from './mail.controller.js';
import { MailModule } from './mail.module.js';

/** The outbox API for administrators: mounted in the api and all roles only. */
@Module({
  imports: [MailModule],
  controllers: [MailController],
})
export class MailAdminModule {}
