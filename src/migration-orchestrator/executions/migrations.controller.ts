import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Permissions } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { ApiProblems, ENQUEUES_JOBS } from '../../core/errors/api-problems.decorator.js';
import { ParseUuidPipe } from '../../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, type PageDto } from '../../core/pagination/page.js';
import { SseWriter } from '../../conversations/chat/sse-writer.js';
import { CatalogError } from '../catalog/catalog.js';
import { toCatalogDto } from '../catalog/catalog.mapper.js';
import { CatalogService } from '../catalog/catalog.service.js';
import {
  CatalogDto,
  DynamicPlanQueryDto,
  ExecuteRequestDto,
  ExecutionDto,
  ExecutionEndEventDto,
  ExecutionProgressEventDto,
  ExecutionTargetDto,
  ListExecutionsQueryDto,
  ListTargetsQueryDto,
  PlanDto,
  RollbackRequestDto,
} from '../dto/execution.dto.js';
import { OrchestratorHealthDto } from '../dto/health.dto.js';
import { OrchestratorHealthService } from '../orchestrator-health.service.js';
import { catalogInvalid, OrchestratorErrorCode as C } from '../orchestrator.errors.js';
import { FINISHED_EXECUTION, MigrationScope } from '../orchestrator.types.js';
import { ExecutionsService } from './executions.service.js';

const EXECUTION_NOT_FOUND = { 404: { [C.ExecutionNotFound]: 'No execution with this id.' } };
const PLAN_PROBLEMS = {
  404: { [C.DatabaseNotFound]: 'The single target names no registered database.' },
  422: {
    [C.TargetRequired]: 'The single scope needs target.databaseId.',
    [C.SchemaRequired]: 'The single target is a pattern entry and needs target.schema.',
    [C.TargetNotFound]: 'The database holds no such schema.',
  },
};

/** Plans, executions (in waves, over BullMQ), progress, cancel, rollback, catalog, health. */
@ApiTags('migrations')
@ApiBearerAuth('bearer')
@Controller('migrations')
export class MigrationsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly catalog: CatalogService,
    private readonly healthService: OrchestratorHealthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('catalog')
  @Permissions('migrations:read')
  @ApiOperation({
    summary:
      'The SQL files per database type, with checksums and whether an undo exists. Needs migrations:read.',
  })
  @ApiOkResponse({ type: CatalogDto })
  getCatalog(): CatalogDto {
    return toCatalogDto(this.catalog);
  }

  @Post('catalog/reload')
  @HttpCode(200)
  @Permissions('migrations:manage')
  @ApiOperation({
    summary:
      'Re-read MIGRATIONS_SOURCE_DIR. A malformed name, duplicate version or dependency cycle is a 422 naming the file, and the catalog stays as it was. Needs migrations:manage.',
  })
  @ApiOkResponse({ type: CatalogDto })
  @ApiProblems({
    422: {
      [C.CatalogInvalid]: {
        description: 'The files are invalid; `problems` names each file and what is wrong.',
        extensions: {
          problems: {
            type: 'array',
            items: {
              type: 'object',
              required: ['file', 'message'],
              properties: { file: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
  })
  async reloadCatalog(): Promise<CatalogDto> {
    try {
      await this.catalog.reload();
    } catch (err) {
      if (err instanceof CatalogError) throw catalogInvalid(err.problems);
      throw err;
    }
    return toCatalogDto(this.catalog);
  }

  @Post('plan')
  @HttpCode(200)
  @Permissions('migrations:read')
  @ApiOperation({
    summary:
      'Dry run: per target the pending files in order, drift, earlier failures, missing dependencies and lock holders; nothing changes. Needs migrations:read.',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems(PLAN_PROBLEMS)
  planMigration(@Body() body: ExecuteRequestDto): Promise<PlanDto> {
    return this.executions.plan(body);
  }

  @Get('dynamic/plan')
  @Permissions('migrations:read')
  @ApiOperation({
    summary:
      'The plan for the live registry, with the filters as query parameters. Needs migrations:read.',
  })
  @ApiOkResponse({ type: PlanDto })
  getDynamicPlan(@Query() q: DynamicPlanQueryDto): Promise<PlanDto> {
    return this.executions.plan({
      scope: q.scope ?? MigrationScope.All,
      filters: {
        types: q.type,
        regions: q.region,
        tenantIds: q.tenantId,
        tags: q.tag,
        databaseIds: q.databaseId,
      },
      canary: q.canary,
    });
  }

  @Post('execute')
  @HttpCode(202)
  @Permissions('migrations:execute')
  @ApiOperation({
    summary:
      'Start an execution: waves in dependency order (admin, regional, canary, tenants), up to `concurrency` targets at once, spread over BullMQ jobs. Needs migrations:execute.',
  })
  @ApiAcceptedResponse({ type: ExecutionDto })
  @ApiProblems(PLAN_PROBLEMS)
  @ApiProblems({ 422: { [C.NoMatchingTargets]: 'No registered target matches; nothing started.' } })
  @ApiProblems(ENQUEUES_JOBS)
  executeMigration(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ExecuteRequestDto,
  ): Promise<ExecutionDto> {
    return this.executions.start(body, { executedBy: principal.userId });
  }

  @Get()
  @Permissions('migrations:read')
  @ApiOperation({ summary: 'Executions, newest first. Needs migrations:read.' })
  @ApiPageResponse(ExecutionDto)
  listMigrations(@Query() query: ListExecutionsQueryDto): Promise<PageDto<ExecutionDto>> {
    return this.executions.list(query);
  }

  @Get('health')
  @Permissions('migrations:read')
  @ApiOperation({
    summary:
      'Queue reachable, worker replicas seen recently, registry counts, the last execution. Needs migrations:read.',
  })
  @ApiOkResponse({ type: OrchestratorHealthDto })
  getMigrationHealth(): Promise<OrchestratorHealthDto> {
    return this.healthService.health();
  }

  @Get('status/:id')
  @Permissions('migrations:read')
  @ApiOperation({ summary: 'An execution with its progress. Needs migrations:read.' })
  @ApiOkResponse({ type: ExecutionDto })
  @ApiProblems(EXECUTION_NOT_FOUND)
  getMigrationStatus(@Param('id', ParseUuidPipe) id: string): Promise<ExecutionDto> {
    return this.executions.status(id);
  }

  @Get(':id/targets')
  @Permissions('migrations:read')
  @ApiOperation({
    summary:
      'Per target: versions applied, duration, the failing file, statement position and database error. Needs migrations:read.',
  })
  @ApiPageResponse(ExecutionTargetDto)
  @ApiProblems(EXECUTION_NOT_FOUND)
  listMigrationTargets(
    @Param('id', ParseUuidPipe) id: string,
    @Query() query: ListTargetsQueryDto,
  ): Promise<PageDto<ExecutionTargetDto>> {
    return this.executions.targets(id, query);
  }

  @Get(':id/events')
  @Permissions('migrations:read')
  @ApiOperation({
    summary: 'Progress as server-sent events. Needs migrations:read.',
    description:
      '`progress` (an Execution) first and whenever it changes, `end` (the finished Execution) last, then the stream closes. `: ping` comments are heartbeats.',
  })
  @ApiExtraModels(ExecutionProgressEventDto, ExecutionEndEventDto)
  @ApiResponse({
    status: 200,
    description: 'The progress stream',
    content: {
      'text/event-stream': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(ExecutionProgressEventDto) },
            { $ref: getSchemaPath(ExecutionEndEventDto) },
          ],
          discriminator: {
            propertyName: 'event',
            mapping: {
              progress: getSchemaPath(ExecutionProgressEventDto),
              end: getSchemaPath(ExecutionEndEventDto),
            },
          },
        },
      },
    },
  })
  @ApiProblems(EXECUTION_NOT_FOUND)
  async streamMigrationEvents(
    @Param('id', ParseUuidPipe) id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    let current = await this.executions.status(id);
    reply.hijack();
    const sse = new SseWriter(reply.raw, reply.getHeaders(), this.config.chat.heartbeatMs);
    let last = JSON.stringify(current);
    sse.event('progress', current);
    const poll = this.config.orchestrator.eventsPollMs;
    try {
      while (sse.open && !FINISHED_EXECUTION.includes(current.status)) {
        await new Promise((r) => setTimeout(r, poll));
        current = await this.executions.status(id);
        const json = JSON.stringify(current);
        if (json !== last && !FINISHED_EXECUTION.includes(current.status))
          sse.event('progress', current);
        last = json;
      }
      sse.event('end', current);
    } finally {
      sse.end();
    }
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @Permissions('migrations:execute')
  @ApiOperation({
    summary: 'Start no new targets; running files finish. Needs migrations:execute.',
  })
  @ApiAcceptedResponse({ type: ExecutionDto })
  @ApiProblems(EXECUTION_NOT_FOUND)
  @ApiProblems({ 409: { [C.ExecutionFinished]: 'The execution has already finished.' } })
  @ApiProblems(ENQUEUES_JOBS)
  cancelMigration(@Param('id', ParseUuidPipe) id: string): Promise<ExecutionDto> {
    return this.executions.cancel(id);
  }

  @Post('rollback')
  @HttpCode(202)
  @Permissions('migrations:execute')
  @ApiOperation({
    summary:
      'A new execution that runs the undo files of the versions an execution applied, newest first, on the targets that completed. Needs migrations:execute.',
  })
  @ApiAcceptedResponse({ type: ExecutionDto })
  @ApiProblems(EXECUTION_NOT_FOUND)
  @ApiProblems({
    409: {
      [C.ExecutionRunning]: 'The execution is still running.',
      [C.ExecutionFailed]: 'The execution failed (stopped by a failure).',
      [C.AlreadyRolledBack]: 'The execution was already rolled back.',
      [C.NewerVersionsApplied]: 'A later execution applied newer versions on those targets.',
      [C.NotRollbackable]: 'A dry run, or itself a rollback.',
    },
    422: {
      [C.UndoMissing]: {
        description: 'Versions without an undo file; `versions` lists them.',
        extensions: {
          versions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'version'],
              properties: { type: { type: 'string' }, version: { type: 'string' } },
            },
          },
        },
      },
      [C.NothingToRollBack]: 'The execution applied nothing on any target.',
    },
  })
  @ApiProblems(ENQUEUES_JOBS)
  rollbackMigration(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RollbackRequestDto,
  ): Promise<ExecutionDto> {
    return this.executions.rollback(body.executionId, { executedBy: principal.userId });
  }
}
