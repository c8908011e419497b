import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { assertAcceptablePassword, hashPassword } from './passwords.js';

const BOOTSTRAP_LOCK = 7_312_004_214;
export const GENERATED_ADMIN_EMAIL = 'admin@meridian.local';
/** Log levels at which the warning that carries a generated password is not written. */
const HIDDEN_WARNINGS = new Set(['error', 'fatal', 'silent']);

/**
 * First start: an administrator from ADMIN_EMAIL/ADMIN_PASSWORD; in the embedded default
 * without them, admin@meridian.local with a generated password, in one start-up log
 * record (fields adminEmail and generatedPassword) written once.
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

    const created = await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      if (!adminEmail) {
        const admins: { n: number }[] = await m.query(
          `SELECT count(*)::int AS n FROM users WHERE 'admin' = ANY(roles)`,
        );
        if (admins[0].n > 0) return undefined;
        if (HIDDEN_WARNINGS.has(this.config.log.level)) {
          this.logger.error(
            `no administrator was created: LOG_LEVEL=${this.config.log.level} would hide its generated password. ` +
              'Set ADMIN_EMAIL and ADMIN_PASSWORD, or start once with LOG_LEVEL=info',
          );
          return undefined;
        }
      } else if (await this.users.findLocalByEmail(adminEmail)) {
        return undefined;
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
      return { email, password };
    });
    if (!created) return;
    if (adminPassword === undefined) {
      // Logged once, on purpose: the only way to learn the generated password. A warning,
      // so that every log level short of error shows it (HIDDEN_WARNINGS).
      this.logger.warn({
        msg: `created the administrator ${created.email} with a generated password, shown only now: sign in and change it`,
        adminEmail: created.email,
        generatedPassword: created.password,
      });
    } else {
      this.logger.log(`created the administrator ${created.email} from ADMIN_EMAIL`);
    }
  }
}
