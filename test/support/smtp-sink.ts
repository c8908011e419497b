// A real SMTP server on loopback (smtp-server) that keeps every message it receives and
// reads what the account-flow tests need from them: recipient, subject, the decoded text
// part and the links in it.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SunkMail {
  to: string[];
  subject: string;
  /** The text/plain part, transfer encoding undone. */
  text: string;
  /** Every http(s) URL in the text part. */
  links: string[];
  raw: string;
}

function headersAndBody(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '') };
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64')
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** The decoded text/plain part of a (possibly multipart) message. */
function textPart(raw: string): string {
  const { headers, body } = headersAndBody(raw);
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || !boundary) {
    return /^text\/plain/i.test(type) ? decodeBody(headers, body) : '';
  }
  for (const section of body.split(`--${boundary}`).slice(1)) {
    if (section.startsWith('--')) break;
    const text = textPart(section.replace(/^\r?\n/, ''));
    if (text) return text;
  }
  return '';
}

function decodeSubject(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_m, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

export class SmtpSink {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly mails: SunkMail[],
  ) {}

  static async start(): Promise<SmtpSink> {
    const mails: SunkMail[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const text = textPart(raw).replace(/\r\n/g, '\n');
          mails.push({
            to: session.envelope.rcptTo.map((a) => a.address.toLowerCase()),
            subject: decodeSubject(headersAndBody(raw).headers.subject ?? ''),
            text,
            links: text.match(/https?:\/\/\S+/g) ?? [],
            raw,
          });
          callback(null);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new SmtpSink(server, (server.server.address() as AddressInfo).port, mails);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): SunkMail[] {
    return this.mails.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** Polls (bounded) until `address` has received `count` mails; returns them all. */
  async waitFor(address: string, count = 1, timeoutMs = 15_000): Promise<SunkMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.to(address).length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `${count} mail(s) to ${address} did not arrive within ${timeoutMs} ms ` +
            `(got: ${JSON.stringify(this.to(address).map((m) => m.subject))})`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.to(address);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The link in `mail` to the page `path` (e.g. `/verify-email`), and its token. */
export function linkIn(mail: SunkMail, path: string): { url: URL; token: string } {
  const found = mail.links.map((l) => new URL(l)).find((u) => u.pathname === path);
  if (!found) throw new Error(`no ${path} link in "${mail.subject}": ${mail.links.join(', ')}`);
  return { url: found, token: found.searchParams.get('token') ?? '' };
}
