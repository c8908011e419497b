// A small GitHub REST peer for benchmarks: App JWT check (RS256, iss), installation tokens
// with expiry, GET /installation/repositories with rate-limit headers. Counts calls and the
// peak number of requests in flight.
import { createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

export async function startGitHubPeer() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const appId = '424242';
  const tokens = new Map();
  const state = { calls: 0, mints: 0, inFlight: 0, peakInFlight: 0 };
  const send = (res, status, body) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    state.calls++;
    state.inFlight++;
    state.peakInFlight = Math.max(state.peakInFlight, state.inFlight);
    try {
      for await (const _ of req) void _;
      const url = new URL(req.url, 'http://peer');
      const auth = (req.headers.authorization ?? '').replace(/^(bearer|token) /i, '');
      const mint = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
      if (req.method === 'POST' && mint) {
        const [h, p, s] = auth.split('.');
        const ok =
          s &&
          createVerify('RSA-SHA256')
            .update(`${h}.${p}`)
            .verify(publicKey, Buffer.from(s, 'base64url'));
        const claims = ok ? JSON.parse(Buffer.from(p, 'base64url').toString()) : {};
        if (!ok || String(claims.iss) !== appId) return send(res, 401, { message: 'bad JWT' });
        state.mints++;
        const token = `ghs_${randomBytes(18).toString('hex')}`;
        const expiresAt = new Date(Date.now() + 3600_000);
        tokens.set(token, Number(mint[1]));
        return send(res, 201, { token, expires_at: expiresAt.toISOString() });
      }
      if (req.method === 'GET' && url.pathname === '/installation/repositories') {
        const id = tokens.get(auth);
        if (!id) return send(res, 401, { message: 'Bad credentials' });
        return send(res, 200, {
          total_count: 1,
          repositories: [
            { id, full_name: `org${id}/repo`, private: false, default_branch: 'main' },
          ],
        });
      }
      return send(res, 404, { message: 'Not Found' });
    } finally {
      state.inFlight--;
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    appId,
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    state,
    reset() {
      Object.assign(state, { calls: 0, mints: 0, inFlight: 0, peakInFlight: 0 });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
