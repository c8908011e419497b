import { describe, expect, it } from '@jest/globals';
import { MASKED_VALUE, MailRenderer } from './mail-renderer.js';
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

/** The templates whose `link` carries a single-use token. */
const SINGLE_USE = [
  MailTemplate.VerifyEmail,
  MailTemplate.ResetPassword,
  MailTemplate.Invite,
  MailTemplate.EmailChange,
];

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
      link: `${APP_URL}/i?token=t`,
      inviterName: null,
    });
    expect(mail.subject).toBe('You are invited to Meridian');
    expect(mail.text).toContain('an administrator invited you to Meridian');
    expect(mail.html).toContain('an administrator invited you to Meridian');
    const named = renderer().render(MailTemplate.Invite, {
      link: `${APP_URL}/i?token=t`,
      inviterName: 'Ada',
    });
    expect(named.subject).toBe('Ada invited you to Meridian');
  });

  it('keeps a subject on one line (no header injection)', () => {
    const mail = renderer().render(MailTemplate.Invite, {
      link: `${APP_URL}/i?token=t`,
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
      renderer().render(MailTemplate.ResetPassword, { link: `${APP_URL}/r?token=t` } as never),
    ).toThrow(/expiresInMinutes/);
  });

  it('lists every link of the mail', () => {
    expect(
      renderer().render(MailTemplate.AccountExists, SAMPLES[MailTemplate.AccountExists]).links,
    ).toEqual([`${APP_URL}/sign-in`, `${APP_URL}/forgot-password`]);
    expect(renderer().render(MailTemplate.WaitlistJoined, {}).links).toEqual([]);
  });

  it.each(SINGLE_USE)('renders a masked copy of %s without its token', (t) => {
    const mail = renderer().render(t, SAMPLES[t]);
    const link = (SAMPLES[t] as { link: string }).link;
    const token = new URL(link).searchParams.get('token')!;
    expect(mail.masked).not.toBeNull();
    const masked = mail.masked!;
    const maskedLink = `${link.split('?')[0]}?token=${MASKED_VALUE}`;
    expect(masked.text).not.toContain(token);
    expect(masked.html).not.toContain(token);
    expect(masked.text).toContain(maskedLink);
    expect(masked.html).toContain(`href="${maskedLink.replace(/=/g, '&#x3D;')}"`);
    // everything else is the same mail
    expect(masked.text.replace(maskedLink, link)).toBe(mail.text);
    expect(
      masked.html.split(maskedLink.replace(/=/g, '&#x3D;')).join(link.replace(/=/g, '&#x3D;')),
    ).toBe(mail.html);
  });

  it('masks every query value, credentials and the fragment of a single-use link', () => {
    const link = 'https://ada:pw@app.example.com/reset?token=abc&next=%2Fhome&token=again#frag';
    const mail = renderer().render(MailTemplate.ResetPassword, { link, expiresInMinutes: 30 });
    const expected = `https://app.example.com/reset?token=${MASKED_VALUE}&next=${MASKED_VALUE}`;
    expect(mail.masked!.text).toContain(expected);
    for (const secret of ['abc', 'again', 'frag', '%2Fhome', 'ada:pw']) {
      expect(mail.masked!.text).not.toContain(secret);
      expect(mail.masked!.html).not.toContain(secret);
    }
  });

  it('has no masked copy for a mail without single-use links', () => {
    for (const t of Object.values(MailTemplate).filter((t) => !SINGLE_USE.includes(t))) {
      expect(renderer().render(t, SAMPLES[t]).masked).toBeNull();
    }
  });

  it('refuses a single-use link without a query, whose secret masking could not remove', () => {
    expect(() =>
      renderer().render(MailTemplate.VerifyEmail, { link: `${APP_URL}/verify/secret-in-path` }),
    ).toThrow(/link is single-use and must carry its token in the query/);
  });

  it('leaves the APP_URL footer out when APP_URL is unset', () => {
    const mail = new MailRenderer({}).render(MailTemplate.WaitlistJoined, {});
    expect(mail.text.trimEnd().endsWith('--\nMeridian')).toBe(true);
    expect(mail.html).toContain('>Meridian</p>');
    expect(mail.html).not.toContain('undefined');
    expect(mail.html).not.toContain('null');
  });
});
