import { Controller, Delete, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ApiProblems } from '../../core/errors/api-problems.decorator.js';
import { ALL_QUEUES, type QueueName } from '../../queue/queue.constants.js';
import { AdminController } from '../access/admin-route.decorator.js';
import { AdminErrorCode } from '../admin.errors.js';
import { AdminSystemService } from './admin-system.service.js';
import { FailedJobsDto, FailedJobsQueryDto, SystemInfoDto } from './dto/system.dto.js';

const JOB_PROBLEMS = {
  404: {
    [AdminErrorCode.QueueNotFound]: 'No queue has this name.',
    [AdminErrorCode.JobNotFound]: 'No job has this id (or it was removed).',
  },
  409: { [AdminErrorCode.JobNotFailed]: 'The job has not failed.' },
};

/** The running system and its failed jobs. */
@AdminController()
@Controller('admin')
export class AdminSystemController {
  constructor(private readonly system: AdminSystemService) {}

  @Get('system')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Version and commit, uptime, Node version, role, replicas seen recently, database mode and pool, queue backend and counts.',
  })
  @ApiOkResponse({ type: SystemInfoDto })
  getSystemInfo(): Promise<SystemInfoDto> {
    return this.system.info();
  }

  @Get('jobs/failed')
  @ApiOperation({ summary: 'Failed jobs per queue, newest first.' })
  @ApiOkResponse({ type: FailedJobsDto })
  listFailedJobs(@Query() query: FailedJobsQueryDto): Promise<FailedJobsDto> {
    return this.system.failed(query.queue, query.limit);
  }

  @Post('jobs/failed/:queue/:id/retry')
  @HttpCode(204)
  @ApiOperation({ summary: 'Retry a failed job.' })
  @ApiParam({ name: 'queue', enum: ALL_QUEUES })
  @ApiParam({ name: 'id' })
  @ApiNoContentResponse({ description: 'The job is waiting again.' })
  @ApiProblems(JOB_PROBLEMS)
  retryFailedJob(
    @CurrentPrincipal() principal: Principal,
    @Param('queue') queue: string,
    @Param('id') id: string,
  ): Promise<void> {
    return this.system.retry(principal.userId, queue as QueueName, id);
  }

  @Delete('jobs/failed/:queue/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a failed job.' })
  @ApiParam({ name: 'queue', enum: ALL_QUEUES })
  @ApiParam({ name: 'id' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(JOB_PROBLEMS)
  removeFailedJob(
    @CurrentPrincipal() principal: Principal,
    @Param('queue') queue: string,
    @Param('id') id: string,
  ): Promise<void> {
    return this.system.remove(principal.userId, queue as QueueName, id);
  }
}
