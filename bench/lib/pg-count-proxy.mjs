// A TCP proxy in front of PostgreSQL that forwards every byte unchanged and records the
// round trips the client makes: each simple-protocol Query message, and each Sync of the
// extended protocol (pg sends Parse/Bind/Describe/Execute/Sync together and waits for
// ReadyForQuery), with the SQL text (for a named prepared statement parsed earlier on the
// connection, its name and text) and the time it was sent.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Starts the proxy on 127.0.0.1 (a free port) towards `target` ({ host, port }). Returns
 * { port, trips, close() }; `trips` is the live list of { at (performance.now()), sql }.
 */
export function startCountingProxy(target) {
  const trips = [];
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    upstream.pipe(client);
    let buffer = Buffer.alloc(0);
    let started = false;
    let pending = [];
    const named = new Map();
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          // Startup (or SSLRequest) message: int32 length, no type byte.
          if (buffer.length < 4) break;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(len);
          if (code !== 80877103) started = true; // 80877103 = SSLRequest
          continue;
        }
        if (buffer.length < 5) break;
        const type = String.fromCharCode(buffer[0]);
        const len = buffer.readInt32BE(1);
        if (buffer.length < 1 + len) break;
        const body = buffer.subarray(5, 1 + len);
        buffer = buffer.subarray(1 + len);
        if (type === 'Q') {
          trips.push({ at: performance.now(), sql: cstring(body, 0) });
        } else if (type === 'P') {
          // Parse: statement name, then its text (a named one is reused by later Binds).
          const name = cstring(body, 0);
          const text = cstring(body, body.indexOf(0) + 1);
          if (name) named.set(name, text);
          pending.push(text);
        } else if (type === 'B') {
          // Bind: portal name, then statement name (empty: the Parse just before).
          const name = cstring(body, body.indexOf(0) + 1);
          if (name && !pending.length) pending.push(`(prepared ${name}) ${named.get(name) ?? ''}`);
        } else if (type === 'S') {
          trips.push({ at: performance.now(), sql: pending.join('; ') || '(sync)' });
          pending = [];
        }
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('end', end);
    upstream.on('end', end);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        trips,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

function cstring(buf, from) {
  const end = buf.indexOf(0, from);
  return buf.toString('utf8', from, end < 0 ? buf.length : end);
}
