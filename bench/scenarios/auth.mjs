// Authenticated GET /api/v1/auth/me with an access token of the built-in issuer (the
// bootstrap admin's), beside /health/live (the framework floor, no auth, no I/O) and
// beside bare/auth-me.mjs: node:http verifying the same RS256 token and reading the same
// user row with pg.
//
// Meridian per request: JWT decode + RS256 verify (passport-jwt), one query for the
// caller's state (user row + session not revoked, by issuer and subject), then
// /auth/me's own SELECT of the user by id: two queries. The bare server does one.
import { AUTH_MERIDIAN_ENV, loginAdmin } from '../lib/login.mjs';

export default {
  name: 'auth',
  meridianEnv: AUTH_MERIDIAN_ENV,
  async setup(ctx) {
    const { token, user } = await loginAdmin(ctx.meridian.baseUrl, ctx.databaseUrl);
    return { token, userId: user.id };
  },
  targets: [
    { name: 'GET /health/live (auth scenario)', path: '/health/live', bare: 'live' },
    {
      name: 'GET /api/v1/auth/me',
      path: '/api/v1/auth/me',
      headers: (ctx) => ({ authorization: `Bearer ${ctx.state.token}` }),
      bare: 'auth-me',
    },
  ],
};
