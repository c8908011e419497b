import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { assertAcceptablePassword, hashPassword } from './passwords.js';

const BOOTSTRAP_LOCK = 7_312_004_214;
export const GENERATED_ADMIN_EMAIL = 'admin@meridian.local';

/**
 * First start: an administrator from ADMIN_EMAIL/ADMIN_PASSWORD; in the embedded default
 * without them, admin@meridian.local with a generated password printed once.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly users: UsersService,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { localAccounts, adminEmail, adminPassword } = this.config.auth;
    if (!localAccounts) return;
    const embedded = !this.config.database.url;
    if (!adminEmail && !embedded) return;
    if (adminEmail && adminPassword === undefined) {
      this.logger.warn('ADMIN_EMAIL is set without ADMIN_PASSWORD: no administrator was created');
      return;
    }
    if (adminPassword !== undefined) assertAcceptablePassword(adminPassword, adminEmail);
    await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      if (!adminEmail) {
        const admins: { n: number }[] = await m.query(
          `SELECT count(*)::int AS n FROM users WHERE 'admin' = ANY(roles)`,
        );
        if (admins[0].n > 0) return;
      } else if (await this.users.findLocalByEmail(adminEmail)) {
        return;
      }
      const email = adminEmail ?? GENERATED_ADMIN_EMAIL;
      const password = adminPassword ?? randomBytes(18).toString('base64url');
      await this.users.createLocal(
        {
          email,
          displayName: 'Administrator',
          passwordHash: await hashPassword(password),
          verified: true,
          roles: ['admin'],
        },
        m,
      );
      if (adminPassword === undefined) {
        // Printed once, on purpose: the only way to learn the generated password.
        process.stdout.write(
          `\n  Meridian created an administrator: ${email}\n  password: ${password}\n  (shown only now; change it after signing in)\n\n`,
        );
      } else {
        this.logger.log(`created the administrator ${email} from ADMIN_EMAIL`);
      }
    });
  }
}
