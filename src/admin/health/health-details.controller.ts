import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../core/errors/app.exception.js';
import { ApiProblems } from '../../core/errors/api-problems.decorator.js';
import { Public } from '../../core/http/public.decorator.js';
import { QueueProducer } from '../../queue/queue-producer.service.js';
import { InfrastructureController } from '../access/admin-route.decorator.js';
import { AdminErrorCode } from '../admin.errors.js';
import { buildInfo } from '../system/build-info.js';
import { eventLoopDelay, poolFigures, queueFigures } from '../system/runtime-figures.js';
import { DependencyChecks } from './dependency-checks.service.js';
import {
  DetailedHealthDto,
  HealthSummaryDto,
  ProcessMetricsDto,
  ServiceHealthDto,
} from './dto/health-details.dto.js';

/** GET /health: public, for load balancers and humans (no dependency is checked). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthSummaryController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Status, version, environment and time (public).' })
  @ApiOkResponse({ type: HealthSummaryDto })
  getHealth(): HealthSummaryDto {
    return {
      status: 'ok',
      version: buildInfo().version,
      environment: this.config.env,
      time: new Date().toISOString(),
    };
  }
}

/**
 * Every dependency and this process's figures, for the `admin` role or the
 * `infrastructure:admin` permission. Always 200: Kubernetes reads /health/ready.
 */
@ApiTags('health')
@InfrastructureController()
@Controller('health')
export class HealthDetailsController {
  private lastCpu = { at: performance.now(), usage: process.cpuUsage() };

  constructor(
    private readonly checks: DependencyChecks,
    private readonly producer: QueueProducer,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('detailed')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Every configured dependency (database, queue, SMTP, LLM, OIDC issuer and those features add), checked in parallel within HEALTH_CHECK_TIMEOUT_MS each.',
  })
  @ApiOkResponse({ type: DetailedHealthDto })
  getDetailedHealth(): Promise<DetailedHealthDto> {
    return this.checks.all();
  }

  @Get('services/:name')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'One dependency of /health/detailed, checked now.' })
  @ApiParam({ name: 'name', example: 'database' })
  @ApiOkResponse({ type: ServiceHealthDto })
  @ApiProblems({
    404: { [AdminErrorCode.ServiceNotFound]: 'No dependency has this name.' },
  })
  async getServiceHealth(@Param('name') name: string): Promise<ServiceHealthDto> {
    const health = await this.checks.one(name);
    if (!health) {
      throw new AppException(
        404,
        AdminErrorCode.ServiceNotFound,
        `No dependency is called "${name.slice(0, 50)}"; known: ${this.checks.names().join(', ')}.`,
      );
    }
    return health;
  }

  @Get('metrics')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: "This process's CPU, memory, event-loop delay, pool and queue figures.",
  })
  @ApiOkResponse({ type: ProcessMetricsDto })
  async getProcessMetrics(): Promise<ProcessMetricsDto> {
    const now = performance.now();
    const usage = process.cpuUsage();
    const spentMs =
      (usage.user - this.lastCpu.usage.user + usage.system - this.lastCpu.usage.system) / 1000;
    const recentShare = now > this.lastCpu.at ? spentMs / (now - this.lastCpu.at) : 0;
    this.lastCpu = { at: now, usage };
    const memory = process.memoryUsage();
    const queues = await queueFigures(this.producer.all(), this.config.health.checkTimeoutMs).catch(
      () => [],
    );
    return {
      time: new Date().toISOString(),
      uptimeSeconds: Math.round(process.uptime() * 10) / 10,
      cpu: {
        userMs: Math.round(usage.user / 1000),
        systemMs: Math.round(usage.system / 1000),
        recentShare: Math.round(recentShare * 1000) / 1000,
      },
      memory: {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        externalBytes: memory.external,
      },
      eventLoop: eventLoopDelay(),
      pool: poolFigures(this.dataSource, this.config.database.poolSize),
      queues,
    };
  }
}
