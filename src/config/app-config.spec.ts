import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { AppRole, ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.role).toBe(AppRole.All);
    expect(c.database.url).toBeUndefined();
    expect(c.queue.redisUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.http.trustProxy).toBe(false);
    expect(c.log.format).toBe('json');
  });

  it("leaves APP_URL unset when it is unset (mail links then open Meridian's own pages)", () => {
    expect(loadConfig({ PUBLIC_URL: 'https://api.example.com' }).appUrl).toBeUndefined();
    expect(loadConfig({ APP_URL: 'https://app.example.com' }).appUrl).toBe(
      'https://app.example.com',
    );
  });

  it('reads typed values', () => {
    const c = loadConfig({
      PORT: '8080',
      APP_ROLE: 'worker',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      DATABASE_POOL_SIZE: '25',
      REDIS_URL: 'redis://cache:6379',
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      CORS_ORIGINS: 'https://a.example.com,https://b.example.com:8443',
      MIGRATIONS_RUN: 'false',
      NODE_ENV: 'development',
    });
    expect(c).toMatchObject({ port: 8080, role: 'worker' });
    expect(c.database).toMatchObject({
      url: 'postgres://u:p@db:5432/app',
      poolSize: 25,
      runMigrations: false,
    });
    expect(c.http.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(c.http.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com:8443']);
    expect(c.log.format).toBe('pretty');
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['APP_ROLE', 'scheduler'],
    ['DATABASE_URL', 'mysql://root@db/app'],
    ['REDIS_URL', 'localhost:6379'],
    ['DATABASE_POOL_SIZE', '0'],
    ['MIGRATIONS_RUN', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', 'everyone'],
    ['CORS_ORIGINS', 'not a url'],
  ])('stops with a message naming %s when it is %p', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`${name}=`);
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.url).toBeUndefined();
  });

  it('listens on 127.0.0.1 by default with the embedded database, on 0.0.0.0 with DATABASE_URL', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    const external = {
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    };
    expect(loadConfig(external).host).toBe('0.0.0.0');
    expect(loadConfig({ ...external, HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });

  describe('ENCRYPTION_KEYS', () => {
    const random = randomBytes(32).toString('base64');
    const zeros = Buffer.alloc(32).toString('base64');
    const pattern = Buffer.from('abcd'.repeat(8), 'latin1').toString('base64');

    function problem(env: Record<string, string>): string {
      try {
        loadConfig(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('loadConfig accepted the configuration');
    }

    it('stops start-up in production on a weak key, naming the variable and the key id only', () => {
      for (const weak of [zeros, pattern]) {
        const message = problem({ ENCRYPTION_KEYS: `current:${random},old:${weak}` });
        expect(message).toContain('ENCRYPTION_KEYS: key "old" is too weak for production');
        expect(message).not.toContain('"current"');
        expect(message).not.toContain(weak);
        expect(message).not.toContain(random);
        expect(message).toContain('randomBytes(32)');
      }
    });

    it('accepts random keys in production and weak ones outside it', () => {
      expect(loadConfig({ ENCRYPTION_KEYS: `k1:${random}` }).encryptionKeys?.[0]?.id).toBe('k1');
      for (const NODE_ENV of ['development', 'test']) {
        expect(loadConfig({ NODE_ENV, ENCRYPTION_KEYS: `k1:${zeros}` }).encryptionKeys).toEqual([
          { id: 'k1', key: Buffer.alloc(32) },
        ]);
      }
    });

    it('refuses a key shorter than 32 bytes without echoing it', () => {
      const short = randomBytes(16).toString('base64');
      const message = problem({ NODE_ENV: 'development', ENCRYPTION_KEYS: `k1:${short}` });
      expect(message).toContain('ENCRYPTION_KEYS=');
      expect(message).not.toContain(short);
    });
  });
});
