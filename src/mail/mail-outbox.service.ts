import { Injectable } from '@nestjs/common';
import { AppException } from '../core/errors/app.exception.js';
import {
  DEFAULT_PAGE_SIZE,
  decodeTimeIdCursor,
  toPage,
  type PageDto,
} from '../core/pagination/page.js';
import type { MailMessageDto } from './dto/mail-message.dto.js';
import { MailErrorCode } from './mail.errors.js';
import type { MailMessage } from './mail-message.entity.js';
import { MailMessageRepository, type OutboxCursor } from './mail-message.repository.js';

/** Reads the outbox (every stored mail) for administrators. */
@Injectable()
export class MailOutboxService {
  constructor(private readonly mails: MailMessageRepository) {}

  async list(
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
    recipient?: string,
  ): Promise<PageDto<MailMessageDto>> {
    const rows = await this.mails.findPage(cursor ? parseCursor(cursor) : null, limit, recipient);
    return toPage(rows, limit, toMailMessageDto, (m) => [m.createdAt.toISOString(), m.id]);
  }

  async get(id: string): Promise<MailMessageDto> {
    const mail = await this.mails.findById(id);
    if (!mail) throw new AppException(404, MailErrorCode.NotFound, 'No mail with this id.');
    return toMailMessageDto(mail);
  }
}

function parseCursor(cursor: string): OutboxCursor {
  const { at, id } = decodeTimeIdCursor(cursor);
  return { createdAt: at, id };
}

/** The one entity-to-DTO mapping of the mail feature. */
export function toMailMessageDto(mail: MailMessage): MailMessageDto {
  return {
    id: mail.id,
    recipient: mail.recipient,
    template: mail.template,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    status: mail.status,
    attempts: mail.attempts,
    lastError: mail.lastError,
    createdAt: mail.createdAt.toISOString(),
    sentAt: mail.sentAt ? mail.sentAt.toISOString() : null,
  };
}
