import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from './sessions.service.js';

/** Who is calling from where, for sessions and the sign-in throttle. */
export const clientInfo = (req: FastifyRequest): ClientInfo => ({
  ip: req.ip,
  userAgent: req.headers['user-agent'],
});
