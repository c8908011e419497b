import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MailService } from '../../src/mail/mail.service.js';
import { MailTemplate } from '../../src/mail/templates/mail-template.js';
import { QueueProducer } from '../../src/queue/queue-producer.service.js';
import { JobName } from '../../src/queue/queue.constants.js';
import { newUser, type TestUser } from '../support/accounts.js';
import { SmtpPeer } from '../support/smtp-peer.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

describe('admin outbox API', () => {
  let t: TestApp;
  let admin: TestUser;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await newUser(t, { roles: ['admin'] });
    user = await newUser(t);
    await t.app.get(MailService).send('reader@example.com', MailTemplate.WaitlistJoined, {});
  });
  afterAll(async () => {
    await t.close();
  });

  it('needs a token, and the admin role', async () => {
    expect((await t.request('/api/v1/admin/mail/outbox')).status).toBe(401);
    const denied = await t.request('/api/v1/admin/mail/outbox', { headers: user.auth });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { code: string }).code).toBe('MISSING_ROLE');
  });

  it('lists mails for admins, filtered by recipient, and reads one', async () => {
    const res = await t.request('/api/v1/admin/mail/outbox?recipient=Reader@Example.com&limit=5', {
      headers: admin.auth,
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      items: { id: string; recipient: string; template: string }[];
      nextCursor: string | null;
    };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      recipient: 'reader@example.com',
      template: 'waitlist-joined',
    });
    const one = await t.request(`/api/v1/admin/mail/outbox/${page.items[0].id}`, {
      headers: admin.auth,
    });
    expect(one.status).toBe(200);
    const missing = await t.request(
      '/api/v1/admin/mail/outbox/6f9619ff-8b86-4011-b42d-00cf4fc964ff',
      { headers: admin.auth },
    );
    expect(missing.status).toBe(404);
  });
});

interface OutboxMail {
  id: string;
  status: string;
  text: string;
  html: string;
  lastError: string | null;
}

/** Polls the admin outbox API until the mail is in `status`. */
async function outboxMail(
  t: TestApp,
  admin: TestUser,
  id: string,
  status: string,
): Promise<{ mail: OutboxMail; raw: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await t.request(`/api/v1/admin/mail/outbox/${id}`, { headers: admin.auth });
    expect(res.status).toBe(200);
    const raw = await res.text();
    const mail = JSON.parse(raw) as OutboxMail;
    if (mail.status === status) return { mail, raw };
    if (Date.now() > deadline) throw new Error(`mail ${id} is ${mail.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('admin outbox API with SMTP: single-use links', () => {
  let peer: SmtpPeer;
  let t: TestApp;
  let admin: TestUser;
  let mail: MailService;
  beforeAll(async () => {
    peer = await SmtpPeer.start();
    t = await startTestApp({ SMTP_URL: peer.url, MAIL_PER_RECIPIENT_PER_HOUR: '1' });
    admin = await newUser(t, { roles: ['admin'] });
    mail = t.app.get(MailService);
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  const verifyLink = (token: string) => `https://app.meridian.test/verify-email?token=${token}`;
  const MASKED = 'https://app.meridian.test/verify-email?token=redacted';

  it('shows a sent mail with its single-use link masked; the recipient got the real one', async () => {
    const receipt = await mail.send('masked@example.com', MailTemplate.VerifyEmail, {
      link: verifyLink('sent-secret-1'),
    });
    const [received] = await peer.waitFor('masked@example.com');
    expect(received.text).toContain(verifyLink('sent-secret-1'));

    const { mail: shown, raw } = await outboxMail(t, admin, receipt.id, 'sent');
    expect(raw).not.toContain('sent-secret-1');
    expect(shown.text).toContain(MASKED);
    expect(shown.html).toContain(`href="${MASKED.replace(/=/g, '&#x3D;')}"`);
    // everything else is what was sent
    expect(shown.text.trimEnd()).toBe(
      received.text!.trimEnd().replace(verifyLink('sent-secret-1'), MASKED),
    );
    const list = await t.request('/api/v1/admin/mail/outbox?recipient=masked@example.com', {
      headers: admin.auth,
    });
    expect(await list.text()).not.toContain('sent-secret-1');
  });

  it('keeps a sent mail without single-use links as it was', async () => {
    const receipt = await mail.send('plain@example.com', MailTemplate.PasswordChanged, {
      resetPasswordLink: 'https://app.meridian.test/forgot-password',
    });
    const [received] = await peer.waitFor('plain@example.com');
    const { mail: shown } = await outboxMail(t, admin, receipt.id, 'sent');
    expect(shown.text.trimEnd()).toBe(received.text!.trimEnd());
    expect(shown.text).toContain('https://app.meridian.test/forgot-password');
  });

  it('masks a mail that will never be sent: suppressed, or failed for good', async () => {
    await mail.send('limited@example.com', MailTemplate.WaitlistJoined, {});
    const over = await mail.send('limited@example.com', MailTemplate.VerifyEmail, {
      link: verifyLink('suppressed-secret-2'),
    });
    expect(over.status).toBe('suppressed');
    const suppressed = await outboxMail(t, admin, over.id, 'suppressed');
    expect(suppressed.raw).not.toContain('suppressed-secret-2');
    expect(suppressed.mail.text).toContain(MASKED);

    peer.rejectNext('bounced@example.com', 1000);
    const doomed = await mail.send('bounced@example.com', MailTemplate.VerifyEmail, {
      link: verifyLink('failed-secret-3'),
    });
    // A second job for the mail that allows one attempt: its failure is final.
    await t.app
      .get(QueueProducer)
      .enqueue(
        JobName.SendMail,
        { mailId: doomed.id },
        { jobId: `last-${doomed.id}`, attempts: 1 },
      );
    const failed = await outboxMail(t, admin, doomed.id, 'failed');
    expect(failed.raw).not.toContain('failed-secret-3');
    expect(failed.mail.text).toContain(MASKED);
    expect(failed.mail.lastError).toMatch(/451/);
  });
});

describe('admin outbox API without SMTP', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await newUser(t, { roles: ['admin'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the single-use link readable for the local operator', async () => {
    const link = 'https://app.meridian.test/verify-email?token=outbox-secret-4';
    const receipt = await t.app
      .get(MailService)
      .send('local@example.com', MailTemplate.VerifyEmail, { link });
    const { mail } = await outboxMail(t, admin, receipt.id, 'logged');
    expect(mail.text).toContain(link);
  });
});
