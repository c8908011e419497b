import { randomBytes } from 'node:crypto';
import { AccountsService } from '../../src/auth/accounts.service.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { SessionsService } from '../../src/auth/sessions.service.js';
import { UsersService } from '../../src/users/users.service.js';
import type { TestApp } from '../setup/test-app.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

let passwordHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'meridian test password 42';

/** A local account created through the real services, signed in, with its tokens. */
export async function newUser(
  t: TestApp,
  options: { roles?: string[]; email?: string; verified?: boolean } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = options.email ?? `user-${randomBytes(5).toString('hex')}@example.com`;
  const user = await t.app.get(UsersService).createLocal({
    email,
    displayName: 'Test User',
    passwordHash: await passwordHash,
    verified: options.verified ?? true,
    roles: options.roles ?? [],
  });
  const refresh = await t.app.get(SessionsService).start(user.id, { ip: '127.0.0.1' });
  const pair = await t.app.get(AccountsService).tokenPair(user, refresh);
  return {
    id: user.id,
    email,
    password: TEST_PASSWORD,
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    auth: { authorization: `Bearer ${pair.accessToken}` },
  };
}

export const jsonBody = (
  body: unknown,
  headers: Record<string, string> = {},
  method = 'POST',
): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
