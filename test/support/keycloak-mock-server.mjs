// A Keycloak-shaped OIDC provider on loopback for the tests, run as its own process
// (jose, inside oauth2-mock-server, does not run inside Jest's module sandbox).
// oauth2-mock-server serves discovery and signs RS256 tokens; a counting JWKS endpoint
// beside it lets tests see how often Meridian fetches keys; /_control/* drives it.
import { createServer } from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';

const audience = process.env.KC_AUDIENCE ?? 'meridian-api';
const clientId = process.env.KC_CLIENT_ID ?? 'meridian-api';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');
const issuer = server.issuer.url.replace(/\/$/, '');

let jwksFetches = 0;
const readBody = (req) =>
  new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data ? JSON.parse(data) : {}));
  });

const side = createServer(async (req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/certs') {
    jwksFetches++;
    return send(200, { keys: server.issuer.keys.toJSON() });
  }
  if (req.url === '/_control/stats') return send(200, { jwksFetches });
  if (req.url === '/_control/keys') return send(200, { keys: server.issuer.keys.toJSON() });
  if (req.url === '/_control/rotate' && req.method === 'POST') {
    const key = await server.issuer.keys.generate('RS256');
    return send(200, { kid: key.kid });
  }
  if (req.url === '/_control/token' && req.method === 'POST') {
    const { claims = {}, remove = [], kid, expiresIn = 300 } = await readBody(req);
    const token = await server.issuer.buildToken({
      kid,
      expiresIn,
      scopesOrTransform: (_header, payload) => {
        Object.assign(payload, {
          iss: issuer,
          aud: [audience, 'account'],
          typ: 'Bearer',
          azp: 'meridian-web',
          sub: 'kc-user-1',
          email: 'kc.user@example.com',
          email_verified: true,
          name: 'Keycloak User',
          preferred_username: 'kc.user',
          realm_access: { roles: ['user'] },
          resource_access: { [clientId]: { roles: [] }, account: { roles: ['manage-account'] } },
          ...claims,
        });
        for (const name of remove) delete payload[name];
      },
    });
    return send(200, { token });
  }
  send(404, {});
});
await new Promise((r) => side.listen(0, '127.0.0.1', r));
const sidePort = side.address().port;
// The event hands over the response ({ body, statusCode }); its body is the document.
server.service.on('beforeWellKnownOpenIdConfiguration', (response) => {
  response.body.issuer = issuer;
  response.body.jwks_uri = `http://127.0.0.1:${sidePort}/certs`;
});

process.stdout.write(JSON.stringify({ issuer, control: `http://127.0.0.1:${sidePort}` }) + '\n');
const stop = async () => {
  await server.stop();
  side.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
