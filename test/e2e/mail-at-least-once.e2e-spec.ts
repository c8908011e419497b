import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MailMessageDto } from '../../src/mail/dto/mail-message.dto.js';
import { MailStatus } from '../../src/mail/mail-message.entity.js';
import { MailOutboxService } from '../../src/mail/mail-outbox.service.js';
import { MailService } from '../../src/mail/mail.service.js';
import { MailTemplate } from '../../src/mail/templates/mail-template.js';
import { SmtpPeer } from '../support/smtp-peer.js';
import { startMeridianProcess, type MeridianProcess } from '../support/worker-process.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const MAIL_FROM = 'Meridian <no-reply@meridian.test>';
const TOKEN = 'single-use-crash-token';

async function waitForMail(
  t: TestApp,
  id: string,
  done: (mail: MailMessageDto) => boolean,
  timeoutMs: number,
): Promise<MailMessageDto> {
  const outbox = t.app.get(MailOutboxService);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = await outbox.get(id);
    if (done(mail)) return mail;
    if (Date.now() > deadline) throw new Error(`mail ${id} is still ${mail.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('mail delivery when a worker dies after the SMTP server took the mail', () => {
  let peer: SmtpPeer;
  let api: TestApp;
  let doomed: MeridianProcess | undefined;
  let rescuer: TestApp | undefined;

  beforeAll(async () => {
    peer = await SmtpPeer.start();
    // Enqueues only: the api role runs no worker.
    api = await startTestApp({ APP_ROLE: 'api', SMTP_URL: peer.url, MAIL_FROM });
  });
  afterAll(async () => {
    await doomed?.kill();
    await rescuer?.close();
    await api?.close();
    await peer?.stop();
  });

  it('sends it again from another worker, with the same Message-ID', async () => {
    const keys = api.config.encryptionKeys!.map((k) => `${k.id}:${k.key.toString('base64')}`);
    doomed = await startMeridianProcess(
      {
        NODE_ENV: 'test',
        APP_ROLE: 'worker',
        DATABASE_URL: api.config.database.url!,
        DATABASE_POOL_SIZE: '2',
        MIGRATIONS_RUN: 'false',
        ...(api.config.queue.redisUrl ? { REDIS_URL: api.config.queue.redisUrl } : {}),
        QUEUE_PREFIX: api.config.queue.prefix,
        ENCRYPTION_KEYS: keys.join(','),
        SMTP_URL: peer.url,
        MAIL_FROM,
        PORT: '0',
        HOST: '127.0.0.1',
        SHUTDOWN_GRACE_MS: '0',
      },
      'workers started',
    );
    // The SMTP server has the message; the worker dies before it reads the "250".
    peer.beforeAcknowledgeNext(async () => {
      await doomed!.kill();
    });

    const receipt = await api.app
      .get(MailService)
      .send('crash@example.com', MailTemplate.VerifyEmail, {
        link: `https://app.meridian.test/verify-email?token=${TOKEN}`,
      });
    const [first] = await peer.waitFor('crash@example.com', 1, 30_000);
    expect(await doomed.exited).toBe('SIGKILL');
    // Nothing recorded the acceptance: the row is still queued, with its links.
    expect(await api.app.get(MailOutboxService).get(receipt.id)).toMatchObject({
      status: MailStatus.Queued,
      attempts: 0,
    });

    rescuer = await startTestApp({
      DATABASE_URL: api.config.database.url!,
      QUEUE_PREFIX: api.config.queue.prefix,
      APP_ROLE: 'worker',
      SMTP_URL: peer.url,
      MAIL_FROM,
    });
    const received = await peer.waitFor('crash@example.com', 2, 60_000);
    const sent = await waitForMail(api, receipt.id, (m) => m.status === MailStatus.Sent, 15_000);

    const messageId = `<${receipt.id}@meridian.test>`;
    expect(received.map((m) => m.headers['message-id'])).toEqual([messageId, messageId]);
    expect(first.text).toContain(TOKEN);
    expect(received[1].text).toBe(first.text);
    expect(received[1].subject).toBe(first.subject);
    expect(sent).toMatchObject({ attempts: 1, lastError: null });
    expect(sent.text).not.toContain(TOKEN);
    expect(sent.html).not.toContain(TOKEN);
    expect(sent.text).toContain('https://app.meridian.test/verify-email?token=redacted');
  }, 120_000);
});
