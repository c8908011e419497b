// Small network helpers. Everything here talks to 127.0.0.1 only.
import http from 'node:http';
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** A free TCP port on 127.0.0.1 (the OS picks it; closed again before returning). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Refuses anything but an http:// URL on 127.0.0.1 (the harness never leaves the machine). */
export function assertLoopbackUrl(url) {
  const u = new URL(url);
  if (u.protocol !== 'http:' || u.hostname !== LOOPBACK) {
    throw new Error(
      `bench: refusing to send requests to ${url} (only http://${LOOPBACK} is allowed)`,
    );
  }
  return u;
}

/**
 * One GET with a hard timeout and no keep-alive. Resolves { status, body } or
 * { error } (never rejects), so polling loops stay simple.
 */
export function httpGet(url, timeoutMs = 1000) {
  assertLoopbackUrl(url);
  return new Promise((resolve) => {
    let settled = false;
    const done = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const req = http.get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      const chunks = [];
      let size = 0;
      res.on('data', (c) => {
        if (size < 65536) chunks.push(c);
        size += c.length;
      });
      res.on('end', () =>
        done({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (error) => done({ error }));
    });
    req.on('error', (error) => done({ error }));
    const timer = setTimeout(() => {
      req.destroy(new Error(`timeout after ${timeoutMs} ms`));
      done({ error: new Error(`timeout after ${timeoutMs} ms`) });
    }, timeoutMs);
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Like sleep, but does not keep the process alive (for the timeout side of a race). */
export const sleepUnref = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());
