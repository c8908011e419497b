import { Inject, Injectable } from '@nestjs/common';
import { ACCOUNT_PAGES, ACCOUNT_PAGES_PREFIX } from '../account-pages/account-page-paths.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { MailService } from '../mail/mail.service.js';
import { MailTemplate } from '../mail/templates/mail-template.js';
import { ONE_TIME_TOKEN_TTL_SECONDS } from './one-time-tokens.service.js';
import { OneTimeTokenPurpose } from './entities/one-time-token.entity.js';

/**
 * The mails of the account flows, with links into the frontend (APP_URL) or, when APP_URL
 * is unset, into Meridian's own account pages (PUBLIC_URL/account/...).
 */
@Injectable()
export class AccountMailer {
  constructor(
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private link(page: string, token?: string): string {
    const base = this.config.appUrl ?? this.config.publicUrl + ACCOUNT_PAGES_PREFIX;
    const url = new URL(base.replace(/\/+$/, '') + page);
    if (token !== undefined) url.searchParams.set('token', token);
    return url.toString();
  }

  async verifyEmail(to: string, token: string): Promise<void> {
    await this.mail.send(to, MailTemplate.VerifyEmail, {
      link: this.link(ACCOUNT_PAGES.verifyEmail, token),
    });
  }

  async resetPassword(to: string, token: string): Promise<void> {
    await this.mail.send(to, MailTemplate.ResetPassword, {
      link: this.link(ACCOUNT_PAGES.resetPassword, token),
      expiresInMinutes: ONE_TIME_TOKEN_TTL_SECONDS[OneTimeTokenPurpose.ResetPassword] / 60,
    });
  }

  async emailChange(to: string, token: string): Promise<void> {
    await this.mail.send(to, MailTemplate.EmailChange, {
      link: this.link(ACCOUNT_PAGES.confirmEmail, token),
    });
  }

  async invite(to: string, token: string, inviterName: string | null): Promise<void> {
    await this.mail.send(to, MailTemplate.Invite, {
      link: this.link(ACCOUNT_PAGES.acceptInvite, token),
      inviterName,
    });
  }

  async accountExists(to: string): Promise<void> {
    await this.mail.send(to, MailTemplate.AccountExists, {
      signInLink: this.link(ACCOUNT_PAGES.signIn),
      resetPasswordLink: this.link(ACCOUNT_PAGES.forgotPassword),
    });
  }

  async passwordChanged(to: string): Promise<void> {
    await this.mail.send(to, MailTemplate.PasswordChanged, {
      resetPasswordLink: this.link(ACCOUNT_PAGES.forgotPassword),
    });
  }

  async waitlistJoined(to: string): Promise<void> {
    await this.mail.send(to, MailTemplate.WaitlistJoined, {});
  }

  async waitlistRejected(to: string): Promise<void> {
    await this.mail.send(to, MailTemplate.WaitlistRejected, {});
  }
}
