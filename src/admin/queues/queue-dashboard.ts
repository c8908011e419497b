import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PROBLEM_CONTENT_TYPE, problemType } from '../../core/errors/problem.js';
import { QueueProducer } from '../../queue/queue-producer.service.js';
import { AdminErrorCode } from '../admin.errors.js';
import { DASHBOARD_PATH, DashboardSessions } from './dashboard-session.service.js';

/**
 * Mounts Bull Board at /admin/queues for every BullMQ queue (both backends: the queues'
 * own API serves it), behind the dashboard session cookie. Requests without a valid
 * session get 401 problem+json pointing at POST /api/v1/admin/queues/session.
 */
export async function registerQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const queues = app.get(QueueProducer).all();
  const sessions = app.get(DashboardSessions);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Meridian queues' } },
  });
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (await sessions.admits(request.headers.cookie)) return;
      await reply
        .status(401)
        .header('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
        .header('cache-control', 'no-store')
        .send(
          JSON.stringify({
            type: problemType(AdminErrorCode.QueuesSessionRequired),
            title: 'Unauthorized',
            status: 401,
            detail:
              'The queues dashboard needs a session: an admin calls POST /api/v1/admin/queues/session first.',
            code: AdminErrorCode.QueuesSessionRequired,
            instance: DASHBOARD_PATH,
            requestId: request.id,
          }),
        );
    });
    await scope.register(serverAdapter.registerPlugin() as never, { prefix: DASHBOARD_PATH });
  });
}
