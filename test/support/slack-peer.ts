import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Workspace {
  teamId: string;
  team: string;
}

/** A Slack Web API server on loopback: auth.test, oauth.v2.access (codes and refresh), auth.revoke. */
export class SlackPeer {
  private server?: Server;
  url = '';
  readonly clientId = '1234.5678';
  readonly clientSecret = randomBytes(12).toString('hex');
  readonly tokens = new Map<string, Workspace>();
  /** OAuth codes -> workspace. */
  readonly codes = new Map<string, Workspace>();
  readonly refreshTokens = new Map<string, Workspace>();
  /** Refresh tokens presented more than once. */
  readonly reusedRefreshTokens: string[] = [];
  private readonly usedRefreshTokens = new Set<string>();
  /** Token rotation: expires_in of issued tokens (0 = off). */
  rotationSeconds = 0;
  mode: 'ok' | 'down' = 'ok';
  readonly calls = new Map<string, number>();

  addBotToken(teamId = `T${randomBytes(4).toString('hex').toUpperCase()}`, team = 'Acme'): string {
    const token = `xoxb-${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, { teamId, team });
    return token;
  }

  addCode(teamId: string, team = 'Acme'): string {
    const code = randomBytes(8).toString('hex');
    this.codes.set(code, { teamId, team });
    return code;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  private issue(ws: Workspace): Record<string, unknown> {
    const token = `xoxb-${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, ws);
    const grant: Record<string, unknown> = {
      ok: true,
      access_token: token,
      token_type: 'bot',
      scope: 'chat:write,channels:read',
      bot_user_id: 'U0BOT',
      app_id: 'A0APP',
      team: { id: ws.teamId, name: ws.team },
    };
    if (this.rotationSeconds > 0) {
      const refresh = `xoxe-1-${randomBytes(16).toString('hex')}`;
      this.refreshTokens.set(refresh, ws);
      grant.refresh_token = refresh;
      grant.expires_in = this.rotationSeconds;
    }
    return grant;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const url = new URL(req.url ?? '/', 'http://peer');
    const method = url.pathname.replace(/^\/api\//, '');
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    if (this.mode === 'down')
      return this.send(res, 503, { ok: false, error: 'service_unavailable' });
    const form = new URLSearchParams(raw);
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? form.get('token') ?? '';
    switch (method) {
      case 'auth.test': {
        const ws = this.tokens.get(token);
        if (!ws) return this.send(res, 200, { ok: false, error: 'invalid_auth' });
        return this.send(res, 200, {
          ok: true,
          url: 'https://acme.slack.example/',
          team: ws.team,
          user: 'meridian',
          team_id: ws.teamId,
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        });
      }
      case 'api.test':
        return this.send(res, 200, { ok: true });
      case 'auth.revoke':
        this.tokens.delete(token);
        return this.send(res, 200, { ok: true, revoked: true });
      case 'oauth.v2.access': {
        if (
          form.get('client_id') !== this.clientId ||
          form.get('client_secret') !== this.clientSecret
        ) {
          return this.send(res, 200, { ok: false, error: 'invalid_client_id' });
        }
        if (form.get('grant_type') === 'refresh_token') {
          const refresh = form.get('refresh_token') ?? '';
          if (this.usedRefreshTokens.has(refresh)) this.reusedRefreshTokens.push(refresh);
          this.usedRefreshTokens.add(refresh);
          const ws = this.refreshTokens.get(refresh);
          if (!ws) return this.send(res, 200, { ok: false, error: 'invalid_refresh_token' });
          this.refreshTokens.delete(refresh);
          return this.send(res, 200, this.issue(ws));
        }
        const ws = this.codes.get(form.get('code') ?? '');
        if (!ws) return this.send(res, 200, { ok: false, error: 'invalid_code' });
        this.codes.delete(form.get('code') ?? '');
        return this.send(res, 200, this.issue(ws));
      }
      default:
        return this.send(res, 200, { ok: false, error: 'unknown_method' });
    }
  }
}
