import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems, ENQUEUES_JOBS } from '../core/errors/api-problems.decorator.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ReencryptionJobDto } from './dto/reencryption.dto.js';
import { EncryptionErrorCode, ReencryptionService } from './reencryption.service.js';

/** Key rotation: re-encrypt every stored secret under the current key (administrators). */
@ApiTags('admin')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('admin/encryption/reencrypt')
export class ReencryptionController {
  constructor(private readonly reencryption: ReencryptionService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Start re-encrypting every stored secret under the current key (or answer the job under way).',
  })
  @ApiAcceptedResponse({ type: ReencryptionJobDto })
  @ApiProblems(ENQUEUES_JOBS)
  startReencryption(@CurrentPrincipal() principal: Principal): Promise<ReencryptionJobDto> {
    return this.reencryption.start(principal.userId);
  }

  @Get(':jobId')
  @ApiOperation({ summary: 'A re-encryption job: status, processed and total.' })
  @ApiOkResponse({ type: ReencryptionJobDto })
  @ApiProblems({ 404: { [EncryptionErrorCode.JobNotFound]: 'No re-encryption job with this id.' } })
  getReencryption(@Param('jobId', ParseUuidPipe) jobId: string): Promise<ReencryptionJobDto> {
    return this.reencryption.get(jobId);
  }
}
