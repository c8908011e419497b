import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { NodeEnv, type AppConfig } from '../config/app-config.js';
import type { QueueProducer } from '../queue/queue-producer.service.js';
import { MailStatus } from './mail-message.entity.js';
import type { MailDraft, MailMessageRepository } from './mail-message.repository.js';
import { MailService } from './mail.service.js';
import { MailRenderer } from './templates/mail-renderer.js';
import { MailTemplate } from './templates/mail-template.js';

const LINK = 'https://app.example.com/verify-email?token=secret-token-1';

function setup(
  options: { env?: NodeEnv; smtp?: boolean; databaseUrl?: string; suppress?: boolean } = {},
) {
  const stored: { draft: MailDraft; maskIfSuppressed: boolean }[] = [];
  const repo = {
    insertWithinLimit: async (
      draft: MailDraft,
      _since: Date,
      _max: number,
      { maskIfSuppressed }: { maskIfSuppressed: boolean },
    ) => {
      stored.push({ draft, maskIfSuppressed });
      return { id: 'mail-1', status: options.suppress ? MailStatus.Suppressed : MailStatus.Queued };
    },
  };
  const producer = { enqueue: async () => 'mail-1' };
  const config = {
    env: options.env ?? NodeEnv.Production,
    database: { url: options.databaseUrl },
    mail: {
      smtpUrl: options.smtp ? 'smtp://127.0.0.1:2525' : undefined,
      from: 'Meridian <no-reply@example.com>',
      perRecipientPerHour: 10,
    },
  } as AppConfig;
  const service = new MailService(
    new MailRenderer({ appUrl: 'https://app.example.com' }),
    repo as unknown as MailMessageRepository,
    producer as unknown as QueueProducer,
    config,
  );
  return { service, stored };
}

describe('MailService', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        lines.push(JSON.stringify(args));
      });
    }
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const verify = (service: MailService) =>
    service.send('ada@example.com', MailTemplate.VerifyEmail, { link: LINK });

  it.each([
    ['in development', { env: NodeEnv.Development, databaseUrl: 'postgres://db/app' }],
    ['in the embedded default', { env: NodeEnv.Production, databaseUrl: undefined }],
  ])('logs the links of each mail without SMTP %s', async (_name, options) => {
    await verify(setup(options).service);
    const withLink = lines.filter((l) => l.includes(LINK));
    expect(withLink).toHaveLength(1);
    expect(withLink[0]).toContain('ada@example.com');
    expect(withLink[0]).toContain(
      '"links":["https://app.example.com/verify-email?token=secret-token-1"]',
    );
  });

  it.each([
    ['with SMTP in development', { env: NodeEnv.Development, smtp: true }],
    ['in production with an external database', { databaseUrl: 'postgres://db/app' }],
    [
      'under test with an external database',
      { env: NodeEnv.Test, databaseUrl: 'postgres://db/app' },
    ],
    ['for a suppressed mail', { env: NodeEnv.Development, suppress: true }],
  ])('never logs a link %s', async (_name, options) => {
    await verify(setup(options).service);
    expect(lines.filter((l) => l.includes('secret-token-1'))).toEqual([]);
  });

  it('stores the masked parts beside the parts to send', async () => {
    const { service, stored } = setup();
    await verify(service);
    const [{ draft }] = stored;
    expect(draft.text).toContain(LINK);
    expect(draft.maskedText).toContain('https://app.example.com/verify-email?token=redacted');
    expect(draft.maskedText).not.toContain('secret-token-1');
    expect(draft.maskedHtml).not.toContain('secret-token-1');
  });

  it('masks a suppressed mail only when SMTP is configured', async () => {
    const smtp = setup({ smtp: true });
    await verify(smtp.service);
    expect(smtp.stored[0].maskIfSuppressed).toBe(true);
    const outbox = setup({ smtp: false });
    await verify(outbox.service);
    expect(outbox.stored[0].maskIfSuppressed).toBe(false);
  });
});
