import { Controller, Get, Header, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { CurrentPrincipal } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ApiProblems } from '../../core/errors/api-problems.decorator.js';
import { CoreErrorCode } from '../../core/errors/error-codes.js';
import { ApiPageResponse, type PageDto } from '../../core/pagination/page.js';
import { AdminController } from '../access/admin-route.decorator.js';
import { AdminErrorCode } from '../admin.errors.js';
import { AdminAuditService } from './admin-audit.service.js';
import { AuditEntryDto, AuditFilterQueryDto, AuditVerificationDto } from './dto/audit.dto.js';
import type { FastifyReply } from 'fastify';

const FILTER_PROBLEMS = {
  400: {
    [AdminErrorCode.InvalidRange]: '`from` is not before `to`.',
    [CoreErrorCode.ValidationFailed]: 'An unknown filter, or a malformed one.',
  },
};

/** The audit log, read-only: no route edits or deletes an entry. */
@AdminController()
@Controller('admin/audit')
export class AdminAuditController {
  constructor(private readonly audit: AdminAuditService) {}

  @Get()
  @ApiOperation({
    summary: 'Audit entries, newest first, filtered by actor, action, target, time.',
  })
  @ApiPageResponse(AuditEntryDto)
  @ApiProblems(FILTER_PROBLEMS)
  listAuditEntries(@Query() query: AuditFilterQueryDto): Promise<PageDto<AuditEntryDto>> {
    return this.audit.list(query);
  }

  @Get('verify')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Walk the hash chain from the retention checkpoint (or the start) and report the first broken entry.',
  })
  @ApiOkResponse({ type: AuditVerificationDto })
  verifyAuditChain(): Promise<AuditVerificationDto> {
    return this.audit.verify();
  }

  @Get('export')
  @ApiOperation({
    summary: 'Every matching entry, oldest first, streamed as NDJSON (one AuditEntry per line).',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description: 'One JSON AuditEntry per line.',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  @ApiProblems(FILTER_PROBLEMS)
  async exportAuditEntries(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AuditFilterQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const lines = await this.audit.export(principal.userId, query);
    void reply.header('content-disposition', 'attachment; filename="audit.ndjson"');
    return new StreamableFile(Readable.from(lines), { type: 'application/x-ndjson' });
  }
}
