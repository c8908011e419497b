import { describe, expect, it } from '@jest/globals';
import { MailRenderer } from './mail-renderer.js';
import { MailTemplate, type MailTemplateData } from './mail-template.js';

const APP_URL = 'https://app.example.com';

/** Sample data for every template (the mapped type makes a missing template a type error). */
const SAMPLES: { [T in MailTemplate]: MailTemplateData[T] } = {
  [MailTemplate.VerifyEmail]: { link: `${APP_URL}/verify?token=v1` },
  [MailTemplate.ResetPassword]: { link: `${APP_URL}/reset?token=r1`, expiresInMinutes: 30 },
  [MailTemplate.Invite]: { link: `${APP_URL}/invite?token=i1`, inviterName: 'Grace Hopper' },
  [MailTemplate.WaitlistJoined]: {},
  [MailTemplate.WaitlistRejected]: {},
  [MailTemplate.EmailChange]: { link: `${APP_URL}/email-change?token=e1` },
  [MailTemplate.AccountExists]: {
    signInLink: `${APP_URL}/sign-in`,
    resetPasswordLink: `${APP_URL}/forgot-password`,
  },
  [MailTemplate.PasswordChanged]: { resetPasswordLink: `${APP_URL}/forgot-password` },
};

function renderer(): MailRenderer {
  return new MailRenderer({ appUrl: APP_URL });
}

describe('MailRenderer', () => {
  it.each(Object.values(MailTemplate))(
    'renders %s with a subject, a text and an HTML part',
    (t) => {
      const mail = renderer().render(t, SAMPLES[t]);
      expect(mail.subject.length).toBeGreaterThan(5);
      expect(mail.subject).not.toMatch(/[\r\n{}]/);
      expect(mail.text).toContain('Meridian');
      expect(mail.text).not.toMatch(/[{}<>]/);
      expect(mail.html).toMatch(/^<!doctype html>/);
      expect(mail.html).toContain(`<title>${mail.subject}</title>`);
      expect(mail.html).toContain(`href="${APP_URL}"`);
      expect(mail.html).not.toMatch(/\{\{|\}\}/);
      for (const [key, value] of Object.entries(SAMPLES[t])) {
        if (/link$/i.test(key)) {
          expect(mail.text).toContain(String(value));
          expect(mail.html).toContain(`href="${String(value).replace(/=/g, '&#x3D;')}"`);
        }
      }
    },
  );

  it('puts the template variables in the parts', () => {
    const mail = renderer().render(MailTemplate.ResetPassword, {
      link: `${APP_URL}/reset?token=abc`,
      expiresInMinutes: 45,
    });
    expect(mail.subject).toBe('Reset your Meridian password');
    expect(mail.text).toContain('expires in 45 minutes');
    expect(mail.html).toContain('expires in 45 minutes');
  });

  it('escapes HTML in variables of the HTML part and keeps the text part verbatim', () => {
    const inviterName = `<script>alert("x")</script> & 'Bob'`;
    const link = `${APP_URL}/invite?token=a&next="><img/src=x>`;
    const mail = renderer().render(MailTemplate.Invite, { link, inviterName });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img/src=x>');
    expect(mail.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Bob&#x27;',
    );
    expect(mail.html).toContain('token&#x3D;a&amp;next&#x3D;&quot;&gt;&lt;img/src&#x3D;x&gt;');
    expect(mail.text).toContain(inviterName);
    expect(mail.text).toContain(link);
  });

  it('reads "an administrator" when the invite has no inviter', () => {
    const mail = renderer().render(MailTemplate.Invite, {
      link: `${APP_URL}/i`,
      inviterName: null,
    });
    expect(mail.subject).toBe('You are invited to Meridian');
    expect(mail.text).toContain('an administrator invited you to Meridian');
    expect(mail.html).toContain('an administrator invited you to Meridian');
    const named = renderer().render(MailTemplate.Invite, {
      link: `${APP_URL}/i`,
      inviterName: 'Ada',
    });
    expect(named.subject).toBe('Ada invited you to Meridian');
  });

  it('keeps a subject on one line (no header injection)', () => {
    const mail = renderer().render(MailTemplate.Invite, {
      link: `${APP_URL}/i`,
      inviterName: 'Eve\r\nBcc: victim@example.com',
    });
    expect(mail.subject).toBe('Eve Bcc: victim@example.com invited you to Meridian');
  });

  it('refuses links that are not absolute http(s) URLs', () => {
    expect(() =>
      renderer().render(MailTemplate.VerifyEmail, { link: 'javascript:alert(1)' }),
    ).toThrow(/link must be an absolute http\(s\) URL/);
    expect(() =>
      renderer().render(MailTemplate.AccountExists, {
        signInLink: `${APP_URL}/sign-in`,
        resetPasswordLink: '/relative',
      }),
    ).toThrow(/resetPasswordLink/);
  });

  it('fails on a variable the data lacks instead of rendering it empty', () => {
    expect(() =>
      renderer().render(MailTemplate.ResetPassword, { link: `${APP_URL}/r` } as never),
    ).toThrow(/expiresInMinutes/);
  });
});
