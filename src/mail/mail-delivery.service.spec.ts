import { beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';
import { MailDeliveryError } from './delivery-error.js';
import { MailDeliveryService } from './mail-delivery.service.js';
import { MailStatus, type MailMessage } from './mail-message.entity.js';
import type { MailMessageRepository } from './mail-message.repository.js';
import type { MailTransport, OutgoingMail } from './mail-transport.js';
import { MailProcessor } from './mail.processor.js';

const ID = '0b6f8e1c-6a0c-4c55-9a53-1f2e3d4c5b6a';
const SMTP_URL = 'smtp://mailer:S3cret-Pass@127.0.0.1:2525';

/** An in-memory stand-in for the repository, with the same status rules. */
function fakeRepository(status: MailStatus) {
  const mail = {
    id: ID,
    recipient: 'ada@example.com',
    template: 'verify-email',
    subject: 'Confirm',
    text: 'token t1',
    html: '<p>token t1</p>',
    maskedText: 'token ***' as string | null,
    maskedHtml: '<p>token ***</p>' as string | null,
    status,
    attempts: 0,
    lastError: null as string | null,
    sentAt: null as Date | null,
  };
  const repo = {
    mail,
    findById: async (id: string) => (id === ID ? (mail as unknown as MailMessage) : null),
    markSent: async () => {
      if (mail.status !== MailStatus.Queued) return false;
      Object.assign(mail, {
        status: MailStatus.Sent,
        attempts: mail.attempts + 1,
        sentAt: new Date(),
        text: mail.maskedText ?? mail.text,
        html: mail.maskedHtml ?? mail.html,
        maskedText: null,
        maskedHtml: null,
      });
      return true;
    },
    markLogged: async () => {
      if (mail.status !== MailStatus.Queued) return false;
      Object.assign(mail, { status: MailStatus.Logged, attempts: mail.attempts + 1 });
      return true;
    },
    recordFailure: async (_id: string, error: string, final: boolean) => {
      if (mail.status !== MailStatus.Queued) return;
      mail.attempts += 1;
      mail.lastError = error;
      if (final) mail.status = MailStatus.Failed;
    },
    markFailed: async (_id: string, error: string) => {
      if (mail.status !== MailStatus.Queued) return false;
      Object.assign(mail, { status: MailStatus.Failed, lastError: error });
      return true;
    },
  };
  return repo;
}

function fakeTransport(smtp: boolean, fail?: Error) {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    smtp,
    send: async (mail: OutgoingMail) => {
      if (fail) throw fail;
      sent.push(mail);
    },
  };
}

function service(
  repo: ReturnType<typeof fakeRepository>,
  transport: ReturnType<typeof fakeTransport>,
) {
  const config = {
    mail: {
      smtpUrl: transport.smtp ? SMTP_URL : undefined,
      from: 'Meridian <no-reply@example.com>',
    },
  } as AppConfig;
  return new MailDeliveryService(
    repo as unknown as MailMessageRepository,
    transport as unknown as MailTransport,
    config,
  );
}

describe('MailDeliveryService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('sends a queued mail once with a Message-ID from its id and marks it sent', async () => {
    const repo = fakeRepository(MailStatus.Queued);
    const transport = fakeTransport(true);
    const delivery = service(repo, transport);
    await expect(delivery.deliver(ID, false)).resolves.toBe(MailStatus.Sent);
    await expect(delivery.deliver(ID, false)).resolves.toBe(MailStatus.Sent);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]).toEqual({
      to: 'ada@example.com',
      subject: 'Confirm',
      text: 'token t1',
      html: '<p>token t1</p>',
      messageId: `<${ID}@example.com>`,
    });
    expect(repo.mail).toMatchObject({ status: MailStatus.Sent, attempts: 1 });
  });

  it('keeps the mail in the outbox without SMTP', async () => {
    const repo = fakeRepository(MailStatus.Queued);
    const transport = fakeTransport(false);
    await expect(service(repo, transport).deliver(ID, false)).resolves.toBe(MailStatus.Logged);
    expect(transport.sent).toHaveLength(0);
    expect(repo.mail.status).toBe(MailStatus.Logged);
  });

  it.each([MailStatus.Sent, MailStatus.Logged, MailStatus.Suppressed, MailStatus.Failed])(
    'leaves a %s mail alone',
    async (status) => {
      const repo = fakeRepository(status);
      const transport = fakeTransport(true);
      await expect(service(repo, transport).deliver(ID, false)).resolves.toBe(status);
      expect(transport.sent).toHaveLength(0);
      expect(repo.mail.attempts).toBe(0);
    },
  );

  it('records a failed attempt without credentials and throws so the job retries', async () => {
    const repo = fakeRepository(MailStatus.Queued);
    const transport = fakeTransport(true, new Error(`Invalid login to ${SMTP_URL}: S3cret-Pass`));
    const attempt = service(repo, transport).deliver(ID, false);
    await expect(attempt).rejects.toThrow(MailDeliveryError);
    await expect(attempt).rejects.not.toThrow(/S3cret-Pass/);
    expect(repo.mail.status).toBe(MailStatus.Queued);
    expect(repo.mail.attempts).toBe(1);
    expect(repo.mail.lastError).toContain('Invalid login');
    expect(repo.mail.lastError).not.toContain('S3cret-Pass');
  });

  it('marks the mail failed when the final attempt fails', async () => {
    const repo = fakeRepository(MailStatus.Queued);
    const delivery = service(repo, fakeTransport(true, new Error('450 mailbox busy')));
    await expect(delivery.deliver(ID, true)).rejects.toThrow('450 mailbox busy');
    expect(repo.mail).toMatchObject({ status: MailStatus.Failed, attempts: 1 });
  });

  it('gives every attempt of one mail the same Message-ID', async () => {
    const repo = fakeRepository(MailStatus.Queued);
    const ids: string[] = [];
    let calls = 0;
    const transport = {
      smtp: true,
      send: async (mail: OutgoingMail) => {
        ids.push(mail.messageId);
        if (++calls === 1) throw new Error('421 closing connection');
      },
    };
    const delivery = service(repo, transport as unknown as ReturnType<typeof fakeTransport>);
    await expect(delivery.deliver(ID, false)).rejects.toThrow('421');
    await expect(delivery.deliver(ID, false)).resolves.toBe(MailStatus.Sent);
    expect(ids).toEqual([`<${ID}@example.com>`, `<${ID}@example.com>`]);
  });

  it('marks a still-queued mail failed when its job is abandoned, and nothing else', async () => {
    const queued = fakeRepository(MailStatus.Queued);
    await service(queued, fakeTransport(true)).abandon(ID, 'job stalled more than allowable limit');
    expect(queued.mail).toMatchObject({
      status: MailStatus.Failed,
      lastError: 'delivery abandoned: job stalled more than allowable limit',
      attempts: 0,
    });
    const sent = fakeRepository(MailStatus.Sent);
    await service(sent, fakeTransport(true)).abandon(ID, 'whatever');
    expect(sent.mail).toMatchObject({ status: MailStatus.Sent, lastError: null });
  });

  it('ignores a mail that no longer exists', async () => {
    const repo = fakeRepository(MailStatus.Queued);
    await expect(
      service(repo, fakeTransport(true)).deliver('9d9d9d9d-0000-4000-8000-000000000000', false),
    ).resolves.toBe('missing');
  });
});

describe('MailProcessor', () => {
  function processor(abandonFails = false) {
    const calls: [string, boolean][] = [];
    const abandoned: [string, string][] = [];
    const delivery = {
      deliver: async (id: string, final: boolean) => {
        calls.push([id, final]);
        return MailStatus.Sent;
      },
      abandon: async (id: string, reason: string) => {
        if (abandonFails) throw new Error('database unreachable');
        abandoned.push([id, reason]);
      },
    };
    return {
      calls,
      abandoned,
      processor: new MailProcessor(delivery as unknown as MailDeliveryService),
    };
  }

  const job = (data: object, attemptsMade: number, attempts?: number, finishedOn?: number) =>
    ({ name: 'mail.send', data, attemptsMade, opts: { attempts }, finishedOn }) as unknown as Job<{
      mailId?: unknown;
    }>;

  it('tells the delivery whether this is the final attempt', async () => {
    const { calls, processor: p } = processor();
    await p.sendMail(job({ mailId: ID }, 0, 5));
    await p.sendMail(job({ mailId: ID }, 3, 5));
    await p.sendMail(job({ mailId: ID }, 4, 5));
    await p.sendMail(job({ mailId: ID }, 0));
    expect(calls).toEqual([
      [ID, false],
      [ID, false],
      [ID, true],
      [ID, true],
    ]);
  });

  it('rejects a payload without a mail id as unrecoverable', async () => {
    const { calls, processor: p } = processor();
    await expect(p.sendMail(job({ mailId: 'nope' }, 0, 5))).rejects.toMatchObject({
      name: 'UnrecoverableError',
    });
    expect(calls).toHaveLength(0);
  });

  it('abandons the mail of a job that failed for good, not of one that will be retried', async () => {
    const { abandoned, processor: p } = processor();
    const stalled = new Error('job stalled more than allowable limit');
    await p.onJobFailed(job({ mailId: ID }, 0, 5), stalled);
    expect(abandoned).toEqual([]);
    await p.onJobFailed(job({ mailId: ID }, 0, 5, Date.now()), stalled);
    expect(abandoned).toEqual([[ID, 'job stalled more than allowable limit']]);
    await p.onJobFailed(job({ mailId: 'nope' }, 0, 5, Date.now()), stalled);
    await p.onJobFailed(undefined, stalled);
    expect(abandoned).toHaveLength(1);
  });

  it('keeps a failure to record the abandonment inside the event listener', async () => {
    const { processor: p } = processor(true);
    await expect(
      p.onJobFailed(job({ mailId: ID }, 0, 5, Date.now()), new Error('stalled')),
    ).resolves.toBeUndefined();
  });
});
