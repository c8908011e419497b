import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AppException } from '../../src/core/errors/app.exception.js';
import type { MailMessageDto } from '../../src/mail/dto/mail-message.dto.js';
import { MailStatus } from '../../src/mail/mail-message.entity.js';
import { MailOutboxService } from '../../src/mail/mail-outbox.service.js';
import { MailProcessor } from '../../src/mail/mail.processor.js';
import { MailService } from '../../src/mail/mail.service.js';
import { MailTemplate } from '../../src/mail/templates/mail-template.js';
import { QueueProducer } from '../../src/queue/queue-producer.service.js';
import { JobName, QueueName } from '../../src/queue/queue.constants.js';
import { SmtpPeer } from '../support/smtp-peer.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const APP_URL = 'https://app.meridian.test';
const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 's3cret-Pa55';

async function waitForMail(
  t: TestApp,
  id: string,
  done: (mail: MailMessageDto) => boolean,
  timeoutMs = 15_000,
): Promise<MailMessageDto> {
  const outbox = t.app.get(MailOutboxService);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = await outbox.get(id);
    if (done(mail)) return mail;
    if (Date.now() > deadline)
      throw new Error(
        `mail ${id} still ${mail.status} after ${timeoutMs} ms: ${JSON.stringify(mail)}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything the Nest loggers were asked to write, as one string per call. */
function captureLogs() {
  const lines: string[] = [];
  const spies = (['log', 'warn', 'error', 'debug', 'verbose'] as const).map((level) =>
    jest.spyOn(Logger.prototype, level).mockImplementation(function (
      this: Logger,
      ...args: unknown[]
    ) {
      lines.push(`${level} ${JSON.stringify(args)}`);
    }),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

describe('mail over SMTP', () => {
  let peer: SmtpPeer;
  let t: TestApp;
  let mail: MailService;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    logs = captureLogs();
    peer = await SmtpPeer.start();
    t = await startTestApp({
      SMTP_URL: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${peer.port}`,
      MAIL_FROM: 'Meridian <no-reply@meridian.test>',
      MAIL_PER_RECIPIENT_PER_HOUR: '3',
      APP_URL,
    });
    mail = t.app.get(MailService);
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
    logs.restore();
  });

  it('says at start-up that mail goes out by SMTP', () => {
    expect(logs.lines.some((l) => l.includes('mail: SMTP (SMTP_URL)'))).toBe(true);
  });

  it('delivers the rendered parts with a stable Message-ID, then keeps them with the link masked', async () => {
    const link = `${APP_URL}/reset-password?token=tok_reset_1&next=%2F`;
    const receipt = await mail.send('Ada.Lovelace@example.com', MailTemplate.ResetPassword, {
      link,
      expiresInMinutes: 30,
    });
    expect(receipt.status).toBe(MailStatus.Queued);

    const [received] = await peer.waitFor('ada.lovelace@example.com');
    const row = await waitForMail(t, receipt.id, (m) => m.status === MailStatus.Sent);

    expect(received.envelope).toEqual({
      from: 'no-reply@meridian.test',
      to: ['Ada.Lovelace@example.com'],
    });
    expect(received.user).toBe(SMTP_USER);
    expect(received.headers.from).toBe('Meridian <no-reply@meridian.test>');
    expect(received.headers.to).toBe('Ada.Lovelace@example.com');
    expect(received.subject).toBe('Reset your Meridian password');
    expect(received.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(received.headers['message-id']).toBe(`<${receipt.id}@meridian.test>`);
    expect(received.text).toContain(link);
    expect(received.text).toContain('expires in 30 minutes');
    expect(received.html).toContain(
      `href="${APP_URL}/reset-password?token&#x3D;tok_reset_1&amp;next&#x3D;%2F"`,
    );
    // The outbox keeps what was sent, with the single-use link masked.
    const masked = `${APP_URL}/reset-password?token=redacted&next=redacted`;
    expect(row.text.trimEnd()).toBe(received.text!.trimEnd().replace(link, masked));
    expect(row.html.trimEnd()).toBe(
      received
        .html!.trimEnd()
        .split('token&#x3D;tok_reset_1&amp;next&#x3D;%2F')
        .join('token&#x3D;redacted&amp;next&#x3D;redacted'),
    );

    expect(row).toMatchObject({
      id: receipt.id,
      recipient: 'Ada.Lovelace@example.com',
      template: 'reset-password',
      subject: 'Reset your Meridian password',
      attempts: 1,
      lastError: null,
    });
    expect(Date.parse(row.sentAt!)).toBeGreaterThanOrEqual(Date.parse(row.createdAt));
    const job = await t.app.get(QueueProducer).queue(QueueName.Mail).getJob(receipt.id);
    expect(job?.name).toBe(JobName.SendMail);
    expect(job?.data).toEqual({ mailId: receipt.id });
  });

  it('delivers a mail once even when its job is enqueued again', async () => {
    const producer = t.app.get(QueueProducer);
    const queue = producer.queue(QueueName.Mail);
    const receipt = await mail.send('twice@example.com', MailTemplate.VerifyEmail, {
      link: `${APP_URL}/verify?token=once`,
    });
    await waitForMail(t, receipt.id, (m) => m.status === MailStatus.Sent);
    expect(
      await producer.enqueue(JobName.SendMail, { mailId: receipt.id }, { jobId: receipt.id }),
    ).toBe(receipt.id);
    const extra = await producer.enqueue(
      JobName.SendMail,
      { mailId: receipt.id },
      { jobId: `again-${receipt.id}` },
    );
    const deadline = Date.now() + 10_000;
    while ((await (await queue.getJob(extra))!.getState()) !== 'completed') {
      if (Date.now() > deadline) throw new Error('the extra job did not complete');
      await sleep(50);
    }
    expect((await queue.getJob(extra))!.returnvalue).toBe(MailStatus.Sent);
    expect(peer.to('twice@example.com')).toHaveLength(1);
    expect((await t.app.get(MailOutboxService).get(receipt.id)).attempts).toBe(1);
  });

  it('suppresses mails over the per-recipient hourly limit without failing or enqueueing', async () => {
    const send = (to: string, n: number) =>
      mail.send(to, MailTemplate.VerifyEmail, { link: `${APP_URL}/verify?token=limit-${n}` });
    const receipts = [];
    for (const [n, to] of ['limit@example.com', 'LIMIT@example.com', 'limit@EXAMPLE.com'].entries())
      receipts.push(await send(to, n));
    expect(receipts.map((r) => r.status)).toEqual([
      MailStatus.Queued,
      MailStatus.Queued,
      MailStatus.Queued,
    ]);

    const over = await send('Limit@Example.com', 3);
    expect(over.status).toBe(MailStatus.Suppressed);
    expect(await t.app.get(QueueProducer).queue(QueueName.Mail).getJob(over.id)).toBeUndefined();
    expect(await t.app.get(MailOutboxService).get(over.id)).toMatchObject({
      status: MailStatus.Suppressed,
      attempts: 0,
      sentAt: null,
    });
    expect(logs.lines.some((l) => l.includes('mail suppressed') && l.includes(over.id))).toBe(true);
    expect(logs.lines.filter((l) => l.includes('token=limit-'))).toEqual([]);

    // another recipient is not affected
    expect((await send('other@example.com', 9)).status).toBe(MailStatus.Queued);

    await peer.waitFor('limit@example.com', 3);
    await sleep(500);
    const delivered = peer.to('limit@example.com');
    expect(delivered).toHaveLength(3);
    expect(delivered.some((m) => m.text!.includes('token=limit-3'))).toBe(false);
  });

  it('lets concurrent sends to one recipient through only up to the limit', async () => {
    const receipts = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        mail.send('burst@example.com', MailTemplate.WaitlistJoined, {}).then((r) => ({ n, ...r })),
      ),
    );
    const statuses = receipts.map((r) => r.status).sort();
    expect(statuses).toEqual([
      MailStatus.Queued,
      MailStatus.Queued,
      MailStatus.Queued,
      MailStatus.Suppressed,
      MailStatus.Suppressed,
      MailStatus.Suppressed,
    ]);
    await peer.waitFor('burst@example.com', 3);
  });

  it('records a rejected attempt without credentials and retries until the server takes the mail', async () => {
    peer.rejectNext('flaky@example.com', 2);
    const receipt = await mail.send('flaky@example.com', MailTemplate.PasswordChanged, {
      resetPasswordLink: `${APP_URL}/forgot-password`,
    });
    const failedOnce = await waitForMail(t, receipt.id, (m) => m.attempts >= 1);
    expect(failedOnce.status).toBe(MailStatus.Queued);
    expect(failedOnce.lastError).toMatch(/451/);
    expect(failedOnce.lastError).toMatch(/Mailbox temporarily unavailable/);

    const sent = await waitForMail(t, receipt.id, (m) => m.status === MailStatus.Sent, 30_000);
    expect(sent.attempts).toBe(3);
    expect(sent.lastError).toMatch(/451/);
    expect(peer.to('flaky@example.com')).toHaveLength(1);

    // The row is written inside the handler; BullMQ records the job's completion just after.
    const queue = t.app.get(QueueProducer).queue(QueueName.Mail);
    for (let i = 0; i < 100 && (await queue.getJobState(receipt.id)) !== 'completed'; i++) {
      await sleep(50);
    }
    const job = await queue.getJob(receipt.id);
    expect(job!.attemptsMade).toBe(3);
    const everything = JSON.stringify([sent, job!.failedReason, job!.stacktrace, logs.lines]);
    expect(everything).not.toContain(SMTP_PASSWORD);
  }, 45_000);

  it('marks the mail failed when its final attempt is rejected', async () => {
    peer.rejectNext('doomed@example.com', 1000);
    const producer = t.app.get(QueueProducer);
    const receipt = await mail.send('doomed@example.com', MailTemplate.WaitlistRejected, {});
    // A second job for the same mail that allows a single attempt: its failure is final.
    await producer.enqueue(
      JobName.SendMail,
      { mailId: receipt.id },
      { jobId: `last-${receipt.id}`, attempts: 1 },
    );
    const failed = await waitForMail(t, receipt.id, (m) => m.status === MailStatus.Failed);
    expect(failed.attempts).toBeGreaterThanOrEqual(1);
    expect(failed.lastError).toMatch(/451 Mailbox temporarily unavailable/);
    expect(failed.sentAt).toBeNull();
    // The row is written inside the handler; BullMQ records the job's failure just after.
    const last = await producer.queue(QueueName.Mail).getJob(`last-${receipt.id}`);
    let state = await last!.getState();
    for (let i = 0; i < 100 && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await last!.getState();
    }
    expect(state).toBe('failed');
    expect(peer.to('doomed@example.com')).toHaveLength(0);
  });
});

describe('mail without SMTP_URL', () => {
  let t: TestApp;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    logs = captureLogs();
    t = await startTestApp({ APP_URL });
  });
  afterAll(async () => {
    await t?.close();
    logs.restore();
  });

  it('says at start-up that mail stays in the outbox', () => {
    expect(logs.lines.some((l) => l.includes('mail: outbox table and log (SMTP_URL unset)'))).toBe(
      true,
    );
  });

  it('keeps the mail in the outbox as logged and logs one line without the body', async () => {
    const link = `${APP_URL}/verify-email?token=single-use-secret-42`;
    const receipt = await t.app
      .get(MailService)
      .send('grace@example.com', MailTemplate.VerifyEmail, { link });
    const row = await waitForMail(t, receipt.id, (m) => m.status === MailStatus.Logged);
    expect(row).toMatchObject({ attempts: 1, sentAt: null, lastError: null });
    expect(row.text).toContain(link);

    const outboxLines = logs.lines.filter((l) => l.includes(receipt.id));
    expect(outboxLines).toHaveLength(1);
    expect(outboxLines[0]).toMatch(/^log .*outbox/);
    expect(outboxLines[0]).toContain('grace@example.com');
    expect(outboxLines[0]).toContain('verify-email');
    expect(outboxLines[0]).toContain(row.subject);
    expect(logs.lines.filter((l) => l.includes('single-use-secret-42'))).toEqual([]);
  });

  it('pages the outbox newest first, filtered by recipient case-insensitively', async () => {
    const mail = t.app.get(MailService);
    const outbox = t.app.get(MailOutboxService);
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      ids.push((await mail.send('pager@example.com', MailTemplate.WaitlistJoined, {})).id);
    }
    await mail.send('someone-else@example.com', MailTemplate.WaitlistJoined, {});

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await outbox.list(cursor, 2, 'PAGER@example.com');
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const all = await outbox.list(undefined, 100);
    expect(all.items.map((m) => m.recipient)).toContain('someone-else@example.com');
    const times = all.items.map((m) => Date.parse(m.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(all.nextCursor).toBeNull();
  });

  it('answers MAIL_NOT_FOUND for an unknown mail and rejects a forged cursor', async () => {
    const outbox = t.app.get(MailOutboxService);
    await expect(outbox.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      status: 404,
      code: 'MAIL_NOT_FOUND',
    });
    const forged = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url');
    await expect(outbox.list(forged, 10)).rejects.toBeInstanceOf(AppException);
  });
});

describe('mail in the worker role', () => {
  it('delivers mail in a worker and serves no outbox API there', async () => {
    const t = await startTestApp({ APP_ROLE: 'worker' });
    try {
      const receipt = await t.app
        .get(MailService)
        .send('worker@example.com', MailTemplate.WaitlistJoined, {});
      await waitForMail(t, receipt.id, (m) => m.status === MailStatus.Logged);
      expect((await t.request('/api/v1/admin/mail/outbox')).status).toBe(404);
      // A job that fails for good outside a delivery attempt marks its mail failed.
      expect(t.app.get(MailProcessor).worker.listenerCount('failed')).toBe(1);
    } finally {
      await t.close();
    }
  });
});
