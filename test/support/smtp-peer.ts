// A real SMTP server on loopback (smtp-server) that keeps what it receives, with a small
// MIME reader for the parts Meridian sends (multipart, quoted-printable, base64, RFC 2047
// subjects). It can reject the next deliveries to an address with a transient error, and
// run a hook after it has taken a message but before it acknowledges it.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The authenticated user, when the client logged in. */
  user: string | null;
  /** Lower-cased header names, unfolded, encoded-words decoded. */
  headers: Record<string, string>;
  subject: string;
  text: string | null;
  html: string | null;
  raw: string;
}

interface MimePart {
  headers: Record<string, string>;
  body: string;
}

function splitPart(raw: string): MimePart {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded-words (=?UTF-8?Q?...?= / =?UTF-8?B?...?=). */
export function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(
      /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g,
      (_m, _charset: string, enc: string, data: string) =>
        (enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : qpBytes(data.replace(/_/g, ' '))
        ).toString('utf8'),
    );
}

function decodeBody(part: MimePart): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let text: string;
  if (encoding === 'quoted-printable')
    text = qpBytes(part.body.replace(/=\r?\n/g, '')).toString('utf8');
  else if (encoding === 'base64')
    text = Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else text = part.body;
  return text.replace(/\r\n/g, '\n');
}

/** Leaf parts of a message, depth first. */
function leaves(part: MimePart): MimePart[] {
  const type = part.headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || !boundary) return [part];
  const sections = part.body.split(`--${boundary}`).slice(1);
  const children = sections.filter((s) => !s.startsWith('--'));
  return children.flatMap((s) => leaves(splitPart(s.replace(/^\r?\n/, ''))));
}

export function parseMail(raw: string): Omit<ReceivedMail, 'envelope' | 'user'> {
  const message = splitPart(raw);
  const headers = Object.fromEntries(
    Object.entries(message.headers).map(([k, v]) => [k, decodeHeader(v)]),
  );
  const parts = leaves(message);
  const ofType = (type: string) => {
    const part = parts.find((p) => (p.headers['content-type'] ?? 'text/plain').startsWith(type));
    return part ? decodeBody(part) : null;
  };
  return {
    headers,
    subject: headers.subject ?? '',
    text: ofType('text/plain'),
    html: ofType('text/html'),
    raw,
  };
}

/** Runs once a message is stored, before the server answers "250" to the client. */
export type BeforeAcknowledge = (mail: ReceivedMail) => Promise<void> | void;

export class SmtpPeer {
  readonly messages: ReceivedMail[] = [];
  /** Connection errors (a client that went away mid-transaction, say). */
  readonly errors: Error[] = [];
  private readonly rejections = new Map<string, number>();
  private beforeAck: BeforeAcknowledge | undefined;
  private readonly server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((a) => a.address);
        const rejected = to.find((a) => (this.rejections.get(a.toLowerCase()) ?? 0) > 0);
        if (rejected) {
          const key = rejected.toLowerCase();
          this.rejections.set(key, this.rejections.get(key)! - 1);
          const err: SMTPServerError = new Error('Mailbox temporarily unavailable, try later');
          err.responseCode = 451;
          callback(err);
          return;
        }
        const from = session.envelope.mailFrom;
        const mail: ReceivedMail = {
          envelope: { from: from ? from.address : '', to },
          user: typeof session.user === 'string' ? session.user : null,
          ...parseMail(Buffer.concat(chunks).toString('utf8')),
        };
        this.messages.push(mail);
        const hook = this.beforeAck;
        this.beforeAck = undefined;
        void Promise.resolve(hook?.(mail)).then(
          () => callback(null),
          (err: Error) => callback(err),
        );
      });
    },
  });
  port = 0;

  private constructor() {}

  static async start(): Promise<SmtpPeer> {
    const peer = new SmtpPeer();
    peer.server.on('error', (err: Error) => peer.errors.push(err));
    await new Promise<void>((resolve, reject) => {
      peer.server.once('error', reject);
      peer.server.listen(0, '127.0.0.1', () => resolve());
    });
    peer.port = (peer.server.server.address() as AddressInfo).port;
    return peer;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Runs `hook` once, for the next message taken, before acknowledging it. */
  beforeAcknowledgeNext(hook: BeforeAcknowledge): void {
    this.beforeAck = hook;
  }

  /** The next `count` deliveries to this address get a 451. */
  rejectNext(address: string, count: number): void {
    this.rejections.set(address.toLowerCase(), count);
  }
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) =>
      m.envelope.to.some((a) => a.toLowerCase() === address.toLowerCase()),
    );
  }

  async waitFor(address: string, count = 1, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.to(address).length < count) {
      if (Date.now() > deadline)
        throw new Error(`${count} mail(s) to ${address} did not arrive in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.to(address);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
