// The reference for the webhook intake benchmark: a bare node:http server that reads the
// raw body, verifies X-Hub-Signature-256 and inserts the same webhook_deliveries row
// (deduplicated by delivery id) as Meridian does, then answers 202.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const secret = process.env.GITHUB_WEBHOOK_SECRET;
const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    res.writeHead(401).end();
    return;
  }
  const payload = JSON.parse(body.toString('utf8'));
  const { rows } = await pool.query(
    `INSERT INTO webhook_deliveries (service, delivery_id, event, action, external_id, payload)
     VALUES ('github', $1, $2, $3, $4, $5::jsonb) ON CONFLICT (service, delivery_id) DO NOTHING RETURNING id`,
    [
      req.headers['x-github-delivery'],
      req.headers['x-github-event'],
      payload.action ?? null,
      payload.installation?.id ? String(payload.installation.id) : null,
      body.toString('utf8'),
    ],
  );
  res.writeHead(rows.length ? 202 : 200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify(rows.length ? { status: 'accepted', id: rows[0].id } : { status: 'duplicate' }),
  );
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
