import { createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PeerRepo {
  id: number;
  full_name: string;
  default_branch: string;
  private: boolean;
  html_url: string;
  clone_url: string;
  archived: boolean;
}

interface Installation {
  repos: PeerRepo[];
  revoked: boolean;
}

/**
 * A GitHub REST server on loopback: verifies App JWTs (RS256, iss = the App id, at most
 * 10 minutes), issues installation tokens with expiry, lists installation repositories
 * with Link pagination, answers /user for personal tokens, sends x-ratelimit-* headers,
 * and can answer a secondary rate limit (403 + Retry-After), 5xx, or 401 when revoked.
 */
export class GitHubPeer {
  readonly appId = String(100000 + Math.floor(Math.random() * 900000));
  readonly privateKeyPem: string;
  private readonly publicKeyPem: string;
  private server?: Server;
  url = '';
  readonly installations = new Map<number, Installation>();
  /** installation tokens: token -> installation id and expiry. */
  readonly tokens = new Map<string, { installationId: number; expiresAt: Date }>();
  readonly userTokens = new Map<
    string,
    { login: string; id: number; scopes: string; repos: PeerRepo[] }
  >();
  /** `down`: every call answers 502; `secondary`: 403 secondary rate limit with Retry-After. */
  mode: 'ok' | 'down' | 'secondary' = 'ok';
  retryAfterSeconds = 30;
  /** Answer this many next requests with a secondary rate limit, then serve normally. */
  secondaryLimitedRequests = 0;
  tokenLifetimeMs = 3600_000;
  /** Calls by "METHOD path" (no query). */
  readonly calls = new Map<string, number>();
  /** Reasons JWTs were refused, for assertions. */
  readonly jwtRefusals: string[] = [];
  inFlight = 0;
  peakInFlight = 0;
  /** Repositories GET /repos/{owner}/{repo} answers, by lowercase full name. */
  readonly publicRepos = new Map<string, Record<string, unknown>>();
  /** Authorization headers seen on GET /repos/{owner}/{repo}. */
  readonly repoAuthorizations: (string | undefined)[] = [];

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  callCount(key: string): number {
    return this.calls.get(key) ?? 0;
  }

  /** A public repository in the shape of GET /repos/{owner}/{repo}. */
  addPublicRepo(fullName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const [login, name] = fullName.split('/');
    const body = {
      id: 500000 + this.publicRepos.size,
      name,
      full_name: fullName,
      description: `The ${name} repository`,
      html_url: `https://github.com/${fullName}`,
      clone_url: `https://github.com/${fullName}.git`,
      default_branch: 'main',
      language: 'TypeScript',
      stargazers_count: 42,
      forks_count: 7,
      watchers_count: 42,
      subscribers_count: 5,
      size: 1234,
      private: false,
      owner: { id: 9001, login, avatar_url: `https://avatars.example/${login}` },
      ...extra,
    };
    this.publicRepos.set(fullName.toLowerCase(), body);
    return body;
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  addInstallation(id: number, repoCount: number, owner = `org${id}`): PeerRepo[] {
    const repos = Array.from({ length: repoCount }, (_, i) =>
      this.repo(id * 1000 + i, `${owner}/repo-${String(i).padStart(3, '0')}`),
    );
    this.installations.set(id, { repos, revoked: false });
    return repos;
  }

  repo(id: number, fullName: string): PeerRepo {
    return {
      id,
      full_name: fullName,
      default_branch: 'main',
      private: id % 2 === 0,
      html_url: `https://github.example/${fullName}`,
      clone_url: `https://github.example/${fullName}.git`,
      archived: false,
    };
  }

  addUserToken(login: string, scopes = 'repo, read:org', repos: PeerRepo[] = []): string {
    const token = `ghp_${randomBytes(18).toString('hex')}`;
    this.userTokens.set(token, { login, id: 5000 + this.userTokens.size, scopes, repos });
    return token;
  }

  revokeInstallation(id: number): void {
    const inst = this.installations.get(id);
    if (inst) inst.revoked = true;
    for (const [token, t] of this.tokens) if (t.installationId === id) this.tokens.delete(token);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4987',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...headers,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  private verifyJwt(auth: string | undefined): boolean {
    const jwt = /^bearer /i.test(auth ?? '') ? auth!.slice(7) : undefined;
    const parts = jwt?.split('.') ?? [];
    if (parts.length !== 3) return this.refuse('not a JWT');
    const [h, p, sig] = parts;
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
    if (header.alg !== 'RS256') return this.refuse(`alg ${header.alg}`);
    const ok = createVerify('RSA-SHA256')
      .update(`${h}.${p}`)
      .verify(this.publicKeyPem, Buffer.from(sig, 'base64url'));
    if (!ok) return this.refuse('bad signature');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
      iss?: unknown;
      iat?: number;
      exp?: number;
    };
    if (String(claims.iss) !== this.appId) return this.refuse(`iss ${String(claims.iss)}`);
    const now = Math.floor(Date.now() / 1000);
    if (!claims.exp || !claims.iat || claims.exp - claims.iat > 660 || claims.exp < now)
      return this.refuse('lifetime');
    return true;
  }

  private refuse(why: string): false {
    this.jwtRefusals.push(why);
    return false;
  }

  private installationOf(auth: string | undefined): { id: number; inst: Installation } | undefined {
    const token = auth?.replace(/^(token|bearer) /i, '');
    const t = token ? this.tokens.get(token) : undefined;
    if (!t || t.expiresAt.getTime() < Date.now()) return undefined;
    const inst = this.installations.get(t.installationId);
    return inst && !inst.revoked ? { id: t.installationId, inst } : undefined;
  }

  private page<T>(res: ServerResponse, url: URL, items: T[], wrap: (page: T[]) => unknown): void {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Number(url.searchParams.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const links: string[] = [];
    const link = (n: number, rel: string) => {
      const u = new URL(url.toString());
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      links.push(`<${this.url}${u.pathname}${u.search}>; rel="${rel}"`);
    };
    if (page < last) {
      link(page + 1, 'next');
      link(last, 'last');
    }
    this.send(
      res,
      200,
      wrap(items.slice((page - 1) * perPage, page * perPage)),
      links.length ? { link: links.join(', ') } : {},
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      for await (const _ of req) void _;
      const url = new URL(req.url ?? '/', 'http://peer');
      const key = `${req.method} ${url.pathname}`;
      this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
      if (this.mode === 'down') return this.send(res, 502, { message: 'Bad Gateway' });
      if (this.mode === 'secondary' || this.secondaryLimitedRequests > 0) {
        if (this.secondaryLimitedRequests > 0) this.secondaryLimitedRequests--;
        return this.send(
          res,
          403,
          {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          },
          { 'retry-after': String(this.retryAfterSeconds) },
        );
      }
      const auth = req.headers.authorization;
      const mint = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
      if (req.method === 'POST' && mint) {
        if (!this.verifyJwt(auth))
          return this.send(res, 401, { message: 'A JSON web token could not be decoded' });
        const id = Number(mint[1]);
        const inst = this.installations.get(id);
        if (!inst || inst.revoked) return this.send(res, 404, { message: 'Not Found' });
        const token = `ghs_${randomBytes(18).toString('hex')}`;
        const expiresAt = new Date(Date.now() + this.tokenLifetimeMs);
        this.tokens.set(token, { installationId: id, expiresAt });
        return this.send(res, 201, {
          token,
          expires_at: expiresAt.toISOString(),
          permissions: { contents: 'read' },
          repository_selection: 'all',
        });
      }
      if (req.method === 'GET' && url.pathname === '/app') {
        if (!this.verifyJwt(auth))
          return this.send(res, 401, { message: 'A JSON web token could not be decoded' });
        return this.send(res, 200, {
          id: Number(this.appId),
          slug: 'meridian-test',
          name: 'Meridian',
        });
      }
      if (req.method === 'GET' && url.pathname === '/installation/repositories') {
        const found = this.installationOf(auth);
        if (!found) return this.send(res, 401, { message: 'Bad credentials' });
        return this.page(res, url, found.inst.repos, (repos) => ({
          total_count: found.inst.repos.length,
          repositories: repos,
        }));
      }
      if (req.method === 'DELETE' && url.pathname === '/installation/token') {
        const token = auth?.replace(/^(token|bearer) /i, '') ?? '';
        if (!this.tokens.delete(token)) return this.send(res, 401, { message: 'Bad credentials' });
        return this.send(res, 204, undefined);
      }
      const user = this.userTokens.get(auth?.replace(/^(token|bearer) /i, '') ?? '');
      if (req.method === 'GET' && url.pathname === '/user') {
        if (!user) return this.send(res, 401, { message: 'Bad credentials' });
        return this.send(
          res,
          200,
          { login: user.login, id: user.id, type: 'User' },
          { 'x-oauth-scopes': user.scopes },
        );
      }
      if (req.method === 'GET' && url.pathname === '/user/repos') {
        if (!user) return this.send(res, 401, { message: 'Bad credentials' });
        return this.page(res, url, user.repos, (repos) => repos);
      }
      const repo = /^\/repos\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && repo) {
        this.repoAuthorizations.push(auth);
        const found = this.publicRepos.get(
          `${decodeURIComponent(repo[1])}/${decodeURIComponent(repo[2])}`.toLowerCase(),
        );
        if (!found) return this.send(res, 404, { message: 'Not Found' });
        return this.send(res, 200, found);
      }
      return this.send(res, 404, { message: 'Not Found' });
    } finally {
      this.inFlight--;
    }
  }
}
