import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

interface PeerUser {
  enabled: boolean;
  roles: Set<string>;
  /** Subjects whose sessions were ended: their tokens introspect as inactive. */
  loggedOut: boolean;
}

export interface KeycloakAdminPeerOptions {
  realm: string;
  clientId: string;
  clientSecret: string;
  /** Realm roles that exist (role lookups of others are 404). */
  roles?: string[];
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * A loopback server speaking the parts of Keycloak's Admin REST API and OpenID endpoints
 * Meridian uses: the token endpoint (client credentials), realm roles, users' realm role
 * mappings, user updates, logout, and token introspection (RFC 7662, client-authenticated).
 * Tests read its state and make it refuse (`failNext`) or stop answering (`goDown`).
 */
export class KeycloakAdminPeer {
  readonly users = new Map<string, PeerUser>();
  readonly requests: string[] = [];
  private readonly tokens = new Set<string>();
  private failing: number[] = [];
  private down = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: KeycloakAdminPeerOptions,
  ) {}

  static async start(options: KeycloakAdminPeerOptions): Promise<KeycloakAdminPeer> {
    const holder: { peer?: KeycloakAdminPeer } = {};
    const server = createServer((req, res) => void holder.peer?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const peer = new KeycloakAdminPeer(server, url, options);
    holder.peer = peer;
    server.on('connection', (socket) => {
      peer.sockets.add(socket);
      socket.on('close', () => peer.sockets.delete(socket));
    });
    return peer;
  }

  user(id: string): PeerUser {
    let user = this.users.get(id);
    if (!user) this.users.set(id, (user = { enabled: true, roles: new Set(), loggedOut: false }));
    return user;
  }

  /** The next admin API call answers `status`. */
  failNext(status: number): void {
    this.failing.push(status);
  }

  /** Every request hangs up without an answer (true) or is served again (false). */
  goDown(down: boolean): void {
    this.down = down;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async body(req: IncomingMessage): Promise<string> {
    let data = '';
    for await (const chunk of req) data += String(chunk);
    return data;
  }

  private clientAuthenticated(req: IncomingMessage, form: URLSearchParams): boolean {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64')
          .toString('utf8')
          .split(':')
          .map((p) => decodeURIComponent(p))
      : [form.get('client_id'), form.get('client_secret')];
    return id === this.options.clientId && secret === this.options.clientSecret;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    this.requests.push(`${req.method} ${path}`);
    const realm = `/realms/${this.options.realm}`;
    const raw = await this.body(req);

    if (req.method === 'POST' && path === `${realm}/protocol/openid-connect/token`) {
      const form = new URLSearchParams(raw);
      if (form.get('grant_type') !== 'client_credentials' || !this.clientAuthenticated(req, form))
        return send(401, { error: 'unauthorized_client' });
      const now = Math.floor(Date.now() / 1000);
      const token = `${b64({ alg: 'none' })}.${b64({ exp: now + 300, iat: now, azp: this.options.clientId })}.${randomBytes(8).toString('hex')}`;
      this.tokens.add(token);
      return send(200, { access_token: token, expires_in: 300, token_type: 'Bearer' });
    }
    if (req.method === 'POST' && path === `${realm}/protocol/openid-connect/token/introspect`) {
      const form = new URLSearchParams(raw);
      if (!this.clientAuthenticated(req, form)) return send(401, { error: 'invalid_client' });
      try {
        const payload = JSON.parse(
          Buffer.from(form.get('token')!.split('.')[1], 'base64url').toString('utf8'),
        ) as { sub?: string; exp?: number };
        const user = payload.sub ? this.users.get(payload.sub) : undefined;
        const active =
          user !== undefined &&
          user.enabled &&
          !user.loggedOut &&
          (payload.exp ?? 0) > Date.now() / 1000;
        return send(200, active ? { active, sub: payload.sub } : { active: false });
      } catch {
        return send(200, { active: false });
      }
    }

    const admin = `/admin${realm}`;
    if (!path.startsWith(admin)) return send(404, { error: 'not found' });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !this.tokens.has(bearer)) return send(401, { error: 'HTTP 401 Unauthorized' });
    const failure = this.failing.shift();
    if (failure) return send(failure, { errorMessage: 'refused by the test' });
    const rest = path.slice(admin.length);
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (m = /^\/roles\/([^/]+)$/.exec(rest))) {
      const name = decodeURIComponent(m[1]);
      if (!(this.options.roles ?? []).includes(name))
        return send(404, { error: 'Could not find role' });
      return send(200, { id: `role-${name}`, name, composite: false, clientRole: false });
    }
    if ((m = /^\/users\/([^/]+)\/role-mappings\/realm$/.exec(rest))) {
      const user = this.user(decodeURIComponent(m[1]));
      const roles = JSON.parse(raw || '[]') as { id: string; name: string }[];
      if (req.method === 'POST') roles.forEach((r) => user.roles.add(r.name));
      else if (req.method === 'DELETE') roles.forEach((r) => user.roles.delete(r.name));
      else return send(405);
      return send(204);
    }
    if (req.method === 'PUT' && (m = /^\/users\/([^/]+)$/.exec(rest))) {
      const user = this.user(decodeURIComponent(m[1]));
      const update = JSON.parse(raw || '{}') as { enabled?: boolean };
      if (typeof update.enabled === 'boolean') user.enabled = update.enabled;
      return send(204);
    }
    if (req.method === 'POST' && (m = /^\/users\/([^/]+)\/logout$/.exec(rest))) {
      this.user(decodeURIComponent(m[1])).loggedOut = true;
      return send(204);
    }
    send(404, { error: 'not found' });
  }
}
