import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators/auth.decorators.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { MailErrorCode } from './mail.errors.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, type PageDto } from '../core/pagination/page.js';
import { ListOutboxMailQueryDto } from './dto/list-outbox-mail-query.dto.js';
import { MailMessageDto } from './dto/mail-message.dto.js';
import { MailOutboxService } from './mail-outbox.service.js';

/** The outbox: every mail Meridian rendered, with its delivery status (admins only). */
@ApiTags('admin')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('admin/mail/outbox')
export class MailController {
  constructor(private readonly outbox: MailOutboxService) {}

  @Get()
  @ApiOperation({
    summary: 'List stored mails, newest first (SMTP_URL unset: the mails that were not sent).',
  })
  @ApiPageResponse(MailMessageDto)
  listOutboxMail(@Query() query: ListOutboxMailQueryDto): Promise<PageDto<MailMessageDto>> {
    return this.outbox.list(query.cursor, query.limit, query.recipient);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One stored mail with both parts and its delivery status.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: MailMessageDto })
  @ApiProblems({ 404: { [MailErrorCode.NotFound]: 'No mail with this id.' } })
  getOutboxMail(@Param('id', ParseUuidPipe) id: string): Promise<MailMessageDto> {
    return this.outbox.get(id);
  }
}
