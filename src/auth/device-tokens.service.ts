import { Inject, Injectable } from '@nestjs/common';
import { parseCookie, stringifySetCookie } from 'cookie';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { SecretCipher } from '../core/crypto/secret-cipher.js';

export const DEVICE_COOKIE = 'meridian_device';
/** The auth routes (the global prefix and the auth controller): the cookie goes nowhere else. */
export const DEVICE_COOKIE_PATH = '/api/v1/auth';
export const DEVICE_TOKEN_MAX_AGE_SECONDS = 180 * 86_400;
const PURPOSE = 'meridian:device-token:v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Device tokens after OWASP's "slow down online guessing attacks with device cookies":
 * a successful sign-in gets a token naming the account and a random nonce, sealed with
 * AES-256-GCM under the ENCRYPTION_KEYS ring (so only Meridian can make one, and a key
 * rotation keeps older tokens valid while their key is in the ring). A sign-in that
 * presents a valid token for its account is throttled per device (the nonce) instead of
 * per account and address. Browsers get it as an HttpOnly cookie, API clients in the
 * login response and send it back in the login body.
 */
@Injectable()
export class DeviceTokens {
  constructor(
    private readonly cipher: SecretCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issue(userId: string): string {
    const nonce = randomBytes(16).toString('base64url');
    const issuedAt = Math.floor(Date.now() / 1000);
    return this.cipher.encrypt(`${userId}.${nonce}.${issuedAt}`, PURPOSE);
  }

  /** The device's nonce when `token` is a valid, unexpired token of this user. */
  deviceOf(token: string, userId: string): string | undefined {
    let plain: string;
    try {
      plain = this.cipher.decrypt(token, PURPOSE);
    } catch {
      return undefined;
    }
    const [owner, nonce, issuedAt] = plain.split('.');
    if (!owner || !UUID.test(owner) || owner !== userId || !nonce) return undefined;
    const age = Date.now() / 1000 - Number(issuedAt);
    if (!(age >= -60 && age < DEVICE_TOKEN_MAX_AGE_SECONDS)) return undefined;
    return nonce;
  }

  /** The first presented token (body field, then cookie) that is valid for this user. */
  firstValid(presented: (string | undefined)[], userId: string): string | undefined {
    for (const token of presented) {
      const device = token ? this.deviceOf(token, userId) : undefined;
      if (device) return device;
    }
    return undefined;
  }

  /** The device cookie of a Cookie header, if any. */
  fromCookieHeader(header: string | undefined): string | undefined {
    if (!header) return undefined;
    try {
      return parseCookie(header)[DEVICE_COOKIE];
    } catch {
      return undefined;
    }
  }

  /** The Set-Cookie value for a new token. */
  setCookie(token: string): string {
    return stringifySetCookie({
      name: DEVICE_COOKIE,
      value: token,
      httpOnly: true,
      secure: this.config.publicUrl.startsWith('https:'),
      sameSite: 'strict',
      path: DEVICE_COOKIE_PATH,
      maxAge: DEVICE_TOKEN_MAX_AGE_SECONDS,
    });
  }
}
