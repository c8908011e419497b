import { describe, expect, it } from '@jest/globals';
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
});
