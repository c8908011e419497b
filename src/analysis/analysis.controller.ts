import { Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { SseWriter } from '../conversations/chat/sse-writer.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { AnalysisErrorCode as C } from './analysis.errors.js';
import { AnalysisService } from './analysis.service.js';
import {
  AnalysisEndEventDto,
  AnalysisProgressEventDto,
  AnalysisStatusDto,
} from './dto/analysis.dto.js';
import { FINISHED_JOB } from './entities/analysis-job.entity.js';

const JOB_NOT_FOUND = {
  404: { [C.JobNotFound]: 'No such job, or its repository is not yours to see.' },
};

/** Analysis runs: status, progress stream, cancel. */
@ApiTags('analysis')
@ApiBearerAuth('bearer')
@Controller('analysis')
export class AnalysisController {
  constructor(
    private readonly analysis: AnalysisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':jobId/status')
  @ApiOperation({ summary: 'Status, current step, progress, timings per step and error of a run.' })
  @ApiOkResponse({ type: AnalysisStatusDto })
  @ApiProblems(JOB_NOT_FOUND)
  getAnalysisStatus(
    @CurrentPrincipal() principal: Principal,
    @Param('jobId', ParseUuidPipe) jobId: string,
  ): Promise<AnalysisStatusDto> {
    return this.analysis.status(principal.userId, jobId);
  }

  @Get(':jobId/events')
  @ApiOperation({
    summary: 'The status as server-sent events.',
    description:
      '`progress` (an AnalysisStatus) first and whenever it changes, `end` (the finished status) last, then the stream closes. `: ping` comments are heartbeats.',
  })
  @ApiExtraModels(AnalysisProgressEventDto, AnalysisEndEventDto)
  @ApiResponse({
    status: 200,
    description: 'The progress stream',
    content: {
      'text/event-stream': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(AnalysisProgressEventDto) },
            { $ref: getSchemaPath(AnalysisEndEventDto) },
          ],
          discriminator: {
            propertyName: 'event',
            mapping: {
              progress: getSchemaPath(AnalysisProgressEventDto),
              end: getSchemaPath(AnalysisEndEventDto),
            },
          },
        },
      },
    },
  })
  @ApiProblems(JOB_NOT_FOUND)
  async streamAnalysisEvents(
    @CurrentPrincipal() principal: Principal,
    @Param('jobId', ParseUuidPipe) jobId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    let current = await this.analysis.status(principal.userId, jobId);
    reply.hijack();
    const sse = new SseWriter(reply.raw, reply.getHeaders(), this.config.chat.heartbeatMs);
    let last = JSON.stringify(current);
    if (!FINISHED_JOB.includes(current.status)) sse.event('progress', current);
    const poll = this.config.analysis.eventsPollMs;
    try {
      while (sse.open && !FINISHED_JOB.includes(current.status)) {
        await new Promise((r) => setTimeout(r, poll));
        const next = await this.analysis.statusUnchecked(jobId);
        if (!next) break;
        current = next;
        const json = JSON.stringify(current);
        if (json !== last && !FINISHED_JOB.includes(current.status)) sse.event('progress', current);
        last = json;
      }
      sse.event('end', current);
    } finally {
      sse.end();
    }
  }

  @Post(':jobId/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cancel a queued or running run; a running worker stops within about a second and removes its clone.',
  })
  @ApiOkResponse({ type: AnalysisStatusDto })
  @ApiProblems(JOB_NOT_FOUND)
  @ApiProblems({ 409: { [C.JobFinished]: 'The run has already finished.' } })
  cancelAnalysis(
    @CurrentPrincipal() principal: Principal,
    @Param('jobId', ParseUuidPipe) jobId: string,
  ): Promise<AnalysisStatusDto> {
    return this.analysis.cancel(principal.userId, jobId);
  }
}
