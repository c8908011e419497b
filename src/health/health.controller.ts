import { Controller, Get, Header, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { AppException } from '../core/errors/app.exception.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { Public } from '../core/http/public.decorator.js';
import { HealthIndicatorDto, LivenessDto, ReadinessDto } from './dto/health.dto.js';
import { ReadinessIndicators } from './readiness.indicators.js';

export enum HealthErrorCode {
  NotReady = 'NOT_READY',
}

@ApiTags('health')
@ApiExtraModels(HealthIndicatorDto)
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: ReadinessIndicators,
  ) {}

  @Get('live')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process answers (no dependency is checked).' })
  @ApiOkResponse({ type: LivenessDto })
  getLiveness(): LivenessDto {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime() * 10) / 10 };
  }

  @Get('ready')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Readiness: database reachable, migrations applied, queue backend reachable, not shutting down.',
  })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiProblems({
    503: {
      [HealthErrorCode.NotReady]: {
        description: 'Not ready: `detail` names the failing indicators, `checks` has each one.',
        extensions: {
          checks: {
            type: 'object',
            description: 'Every indicator by name (NOT_READY only).',
            additionalProperties: { $ref: getSchemaPath(HealthIndicatorDto) },
          },
        },
      },
    },
  })
  async getReadiness(): Promise<ReadinessDto> {
    let result: HealthCheckResult;
    try {
      result = await this.checkOnce();
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const details = (err.getResponse() as { details?: HealthIndicatorResult }).details ?? {};
      const failing = Object.entries(details)
        .filter(([, v]) => v.status !== 'up')
        .map(([k]) => k);
      throw new AppException(
        503,
        HealthErrorCode.NotReady,
        `Not ready: ${failing.join(', ')} down.`,
        {
          title: 'Service not ready',
          extensions: { checks: details },
          headers: { 'cache-control': 'no-store' },
        },
      );
    }
    return { status: 'ok', checks: result.details as Record<string, HealthIndicatorDto> };
  }

  private inflight?: Promise<HealthCheckResult>;

  /**
   * Readiness requests that arrive while a check is running share its result (each one
   * still gets an answer from a check that started moments before), so a burst of probes
   * or load-balancer checks costs one round of database and queue pings, not one each.
   */
  private checkOnce(): Promise<HealthCheckResult> {
    this.inflight ??= this.health
      .check(this.indicators.all())
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }
}
