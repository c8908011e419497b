import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { PinoNestLogger } from '../core/logging/logger.js';
import type { UsersService } from '../users/users.service.js';
import { AdminBootstrap, GENERATED_ADMIN_EMAIL } from './admin-bootstrap.service.js';
import { verifyPassword } from './passwords.js';

type LogRecord = { level: number; msg: string; context?: string } & Record<string, unknown>;

/** Nest's logger on a real pino logger whose records land in `records`. */
function captureLogs(): LogRecord[] {
  const records: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString()) as LogRecord);
      done();
    },
  });
  Logger.overrideLogger(new PinoNestLogger(pino({ level: 'trace' }, sink)));
  return records;
}

/** The bootstrap on the embedded default, with `admins` administrators already there. */
function bootstrap(env: Record<string, string>, admins: number) {
  const created: { email: string; passwordHash: string; roles: string[] }[] = [];
  const users = {
    createLocal: async (input: (typeof created)[number]) => void created.push(input),
    findLocalByEmail: async () => null,
  } as unknown as UsersService;
  const manager = {
    query: async (sql: string) => (sql.includes('count(*)') ? [{ n: admins }] : []),
  };
  const dataSource = {
    transaction: async (fn: (m: typeof manager) => Promise<unknown>) => fn(manager),
  } as unknown as DataSource;
  return { created, service: new AdminBootstrap(users, dataSource, loadConfig(env)) };
}

describe('AdminBootstrap on the embedded default', () => {
  let records: LogRecord[];
  beforeEach(() => {
    records = captureLogs();
  });
  afterAll(() => {
    Logger.overrideLogger(false);
  });

  it('logs the generated administrator as one warn record with its fields', async () => {
    const { created, service } = bootstrap({}, 0);
    await service.onApplicationBootstrap();
    expect(created).toHaveLength(1);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record).toMatchObject({
      level: 40,
      context: 'AdminBootstrap',
      msg: `created the administrator ${GENERATED_ADMIN_EMAIL} with a generated password, shown only now: sign in and change it`,
      adminEmail: GENERATED_ADMIN_EMAIL,
    });
    expect(typeof record.generatedPassword).toBe('string');
    expect(await verifyPassword(created[0].passwordHash, record.generatedPassword as string)).toBe(
      true,
    );
  });

  it('generates no password where LOG_LEVEL would hide the record, and says so', async () => {
    const { created, service } = bootstrap({ LOG_LEVEL: 'error' }, 0);
    await service.onApplicationBootstrap();
    expect(created).toHaveLength(0);
    expect(records).toEqual([
      expect.objectContaining({
        level: 50,
        msg: expect.stringContaining(
          'no administrator was created: LOG_LEVEL=error would hide its generated password',
        ) as unknown,
      }),
    ]);
  });

  it('does nothing once an administrator exists', async () => {
    const { created, service } = bootstrap({ LOG_LEVEL: 'error' }, 1);
    await service.onApplicationBootstrap();
    expect(created).toHaveLength(0);
    expect(records).toEqual([]);
  });
});
