import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { AppException } from '../core/errors/app.exception.js';
import { AuthErrorCode } from './auth-error-codes.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane (about 25-40 ms here). */
/** Algorithm 2 is Argon2id in @node-rs/argon2's enum. */
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** A hash to compare against when the account does not exist, so timing does not tell. */
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  dummyHash ??= hash('meridian-timing-equaliser', ARGON2);
  try {
    return await verify(passwordHash ?? (await dummyHash), password);
  } catch {
    return false;
  }
}

/** Length 8-128 and not one of the most common passwords (nor the email's name part). */
export function assertAcceptablePassword(password: string, email?: string): void {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN) problems.push(`at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) problems.push(`at most ${PASSWORD_MAX} characters`);
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) problems.push('not one of the most common passwords');
  if (email && lower === email.toLowerCase().split('@')[0]) problems.push('not your email name');
  if (problems.length > 0) {
    throw new AppException(
      400,
      AuthErrorCode.WeakPassword,
      `The password must be ${problems.join(', ')}.`,
      {
        title: 'Password not accepted',
        errors: problems.map((p) => ({
          field: 'password',
          rule: 'passwordPolicy',
          message: `password must be ${p}`,
        })),
      },
    );
  }
}
