import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../config/app-config.js';
import type { MailService } from '../mail/mail.service.js';
import { MailTemplate } from '../mail/templates/mail-template.js';
import { AccountMailer } from './account-mailer.service.js';

function mailer(appUrl: string | undefined, publicUrl = 'https://api.example.com') {
  const sent: { to: string; template: string; data: unknown }[] = [];
  const mail = {
    send: async (to: string, template: string, data: unknown) => {
      sent.push({ to, template, data });
      return { id: 'x', status: 'queued' };
    },
  } as unknown as MailService;
  return { sent, mailer: new AccountMailer(mail, { appUrl, publicUrl } as AppConfig) };
}

describe('AccountMailer', () => {
  it('links to the frontend pages under APP_URL with the token as a query parameter', async () => {
    const { sent, mailer: m } = mailer('https://app.example.com');
    await m.verifyEmail('a@example.com', 'tok_1');
    await m.resetPassword('a@example.com', 'tok_2');
    await m.emailChange('b@example.com', 'tok_3');
    await m.invite('c@example.com', 'tok_4', null);
    expect(sent).toEqual([
      {
        to: 'a@example.com',
        template: MailTemplate.VerifyEmail,
        data: { link: 'https://app.example.com/verify-email?token=tok_1' },
      },
      {
        to: 'a@example.com',
        template: MailTemplate.ResetPassword,
        data: { link: 'https://app.example.com/reset-password?token=tok_2', expiresInMinutes: 30 },
      },
      {
        to: 'b@example.com',
        template: MailTemplate.EmailChange,
        data: { link: 'https://app.example.com/confirm-email?token=tok_3' },
      },
      {
        to: 'c@example.com',
        template: MailTemplate.Invite,
        data: { link: 'https://app.example.com/accept-invite?token=tok_4', inviterName: null },
      },
    ]);
  });

  it('keeps a base path of APP_URL and drops its trailing slash', async () => {
    const { sent, mailer: m } = mailer('https://example.com/app/');
    await m.verifyEmail('a@example.com', 'tok');
    await m.accountExists('a@example.com');
    expect(sent[0].data).toEqual({ link: 'https://example.com/app/verify-email?token=tok' });
    expect(sent[1].data).toEqual({
      signInLink: 'https://example.com/app/sign-in',
      resetPasswordLink: 'https://example.com/app/forgot-password',
    });
  });

  it("links to Meridian's own pages under PUBLIC_URL/account when APP_URL is unset", async () => {
    const { sent, mailer: m } = mailer(undefined, 'https://meridian.example.com/base');
    await m.verifyEmail('a@example.com', 'tok_1');
    await m.resetPassword('a@example.com', 'tok_2');
    await m.emailChange('a@example.com', 'tok_3');
    await m.invite('a@example.com', 'tok_4', 'Ada');
    await m.accountExists('a@example.com');
    await m.passwordChanged('a@example.com');
    const base = 'https://meridian.example.com/base/account';
    expect(sent.map((s) => s.data)).toEqual([
      { link: `${base}/verify-email?token=tok_1` },
      { link: `${base}/reset-password?token=tok_2`, expiresInMinutes: 30 },
      { link: `${base}/confirm-email?token=tok_3` },
      { link: `${base}/accept-invite?token=tok_4`, inviterName: 'Ada' },
      { signInLink: `${base}/sign-in`, resetPasswordLink: `${base}/forgot-password` },
      { resetPasswordLink: `${base}/forgot-password` },
    ]);
  });
});
