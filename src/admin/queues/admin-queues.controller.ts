import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { AdminController } from '../access/admin-route.decorator.js';
import {
  DASHBOARD_COOKIE,
  DASHBOARD_PATH,
  DASHBOARD_SESSION_SECONDS,
  DashboardSessions,
} from './dashboard-session.service.js';

export class QueuesSessionDto {
  @ApiProperty({ example: DASHBOARD_PATH, description: 'Where the dashboard is served.' })
  url!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

/** Opens the queues dashboard (Bull Board at /admin/queues) for a browser. */
@AdminController()
@Controller('admin/queues')
export class AdminQueuesController {
  constructor(private readonly sessions: DashboardSessions) {}

  @Post('session')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Trade the bearer token for a session cookie of the queues dashboard.',
    description:
      `The cookie (${DASHBOARD_COOKIE}) is HttpOnly, SameSite=Strict, Path=${DASHBOARD_PATH}, ` +
      `valid ${DASHBOARD_SESSION_SECONDS / 60} minutes at most, and accepted by the dashboard ` +
      'only; it stops working when the user is disabled, demoted or signed out.',
  })
  @ApiOkResponse({
    type: QueuesSessionDto,
    headers: {
      'Set-Cookie': {
        description: `${DASHBOARD_COOKIE}=<sealed session>; Max-Age=${DASHBOARD_SESSION_SECONDS}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict (and Secure when PUBLIC_URL is https).`,
        schema: { type: 'string' },
        required: true,
      },
    },
  })
  async openQueuesSession(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<QueuesSessionDto> {
    const { cookie, expiresAt } = await this.sessions.open(principal);
    void reply.header('set-cookie', cookie).header('cache-control', 'no-store');
    return { url: DASHBOARD_PATH, expiresAt };
  }
}
