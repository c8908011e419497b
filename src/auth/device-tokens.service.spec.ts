import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { parseSetCookie } from 'cookie';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../config/app-config.js';
import { SecretCipher } from '../core/crypto/secret-cipher.js';
import {
  DEVICE_COOKIE,
  DEVICE_TOKEN_MAX_AGE_SECONDS,
  DeviceTokens,
} from './device-tokens.service.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const config = (publicUrl = 'http://localhost:3000') =>
  loadConfig({ NODE_ENV: 'test', PUBLIC_URL: publicUrl });

describe('DeviceTokens', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  const devices = new DeviceTokens(new SecretCipher([k1]), config());

  it('names a device of the user it was issued to, and of nobody else', () => {
    const user = randomUUID();
    const token = devices.issue(user);
    const device = devices.deviceOf(token, user);
    expect(device).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(devices.deviceOf(token, randomUUID())).toBeUndefined();
    expect(devices.deviceOf(devices.issue(user), user)).not.toBe(device);
    expect(token).not.toContain(user);
  });

  it('refuses forged, foreign and malformed tokens', () => {
    const user = randomUUID();
    const token = devices.issue(user);
    const [version, kid, iv, tag, body] = token.split(':');
    const flipped = body.startsWith('A') ? `B${body.slice(1)}` : `A${body.slice(1)}`;
    expect(devices.deviceOf([version, kid, iv, tag, flipped].join(':'), user)).toBeUndefined();
    const otherKey = new DeviceTokens(new SecretCipher([k2]), config());
    expect(devices.deviceOf(otherKey.issue(user), user)).toBeUndefined();
    // a value sealed under the same key for another purpose is no device token
    const sealed = new SecretCipher([k1]).encrypt(`${user}.nonce.${Date.now() / 1000}`);
    expect(devices.deviceOf(sealed, user)).toBeUndefined();
    for (const junk of ['', 'x', 'v1:k1:a:b:c', ':::::']) {
      expect(devices.deviceOf(junk, user)).toBeUndefined();
    }
  });

  it('keeps working across a key rotation while the old key is in the ring', () => {
    const user = randomUUID();
    const token = devices.issue(user);
    expect(new DeviceTokens(new SecretCipher([k2, k1]), config()).deviceOf(token, user)).toBe(
      devices.deviceOf(token, user),
    );
    expect(new DeviceTokens(new SecretCipher([k2]), config()).deviceOf(token, user)).toBe(
      undefined,
    );
  });

  it(`expires after ${DEVICE_TOKEN_MAX_AGE_SECONDS / 86_400} days`, () => {
    const user = randomUUID();
    jest.useFakeTimers({ now: Date.now() - DEVICE_TOKEN_MAX_AGE_SECONDS * 1000 - 60_000 });
    const old = devices.issue(user);
    jest.useRealTimers();
    expect(devices.deviceOf(old, user)).toBeUndefined();
  });

  it('takes the first valid token of those presented', () => {
    const user = randomUUID();
    const good = devices.issue(user);
    expect(devices.firstValid([undefined, 'junk', good], user)).toBe(devices.deviceOf(good, user));
    expect(devices.firstValid([undefined, undefined], user)).toBeUndefined();
  });

  it('reads the device cookie from a Cookie header', () => {
    const token = devices.issue(randomUUID());
    expect(devices.fromCookieHeader(`a=1; ${DEVICE_COOKIE}=${token}; b=2`)).toBe(token);
    expect(devices.fromCookieHeader('a=1')).toBeUndefined();
    expect(devices.fromCookieHeader(undefined)).toBeUndefined();
  });

  it('sets an HttpOnly, SameSite=Strict cookie on the auth routes, Secure behind https', () => {
    const token = devices.issue(randomUUID());
    const plain = parseSetCookie(devices.setCookie(token));
    expect(plain).toMatchObject({
      name: DEVICE_COOKIE,
      value: token,
      httpOnly: true,
      sameSite: 'strict',
      path: '/api/v1/auth',
      maxAge: DEVICE_TOKEN_MAX_AGE_SECONDS,
    });
    expect(plain.secure).toBeFalsy();
    const https = new DeviceTokens(new SecretCipher([k1]), config('https://api.example.com'));
    expect(parseSetCookie(https.setCookie(token)).secure).toBe(true);
  });
});
