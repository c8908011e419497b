import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  Browser,
  type HTMLButtonElement,
  type HTMLElement,
  type HTMLFormElement,
  type HTMLInputElement,
} from 'happy-dom';
import { jsonBody, newUser, TEST_PASSWORD, type TestUser } from '../support/accounts.js';
import { linkIn, SmtpSink, type SunkMail } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const NEW_PASSWORD = 'a brand new passphrase 9';
const freshEmail = (tag: string) => `${tag}-${randomBytes(5).toString('hex')}@example.com`;

interface PageOutcome {
  /** The status box: its class (success, error, pending) and text. */
  kind: string;
  text: string;
  formHidden: boolean;
}

describe("Meridian's own account pages (APP_URL unset)", () => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: TestUser;
  let browser: Browser;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      REGISTRATION_MODE: 'waitlist',
      MAIL_PER_RECIPIENT_PER_HOUR: '100',
    });
    admin = await newUser(t, { roles: ['admin'] });
    browser = new Browser({
      settings: {
        enableJavaScriptEvaluation: true,
        suppressInsecureJavaScriptEnvironmentWarning: true,
      },
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  const api = (path: string, body: unknown, accessToken?: string) =>
    t.request(
      `/api/v1/auth/${path}`,
      jsonBody(body, accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    );
  const me = async (user: TestUser) =>
    (await (await t.request('/api/v1/auth/me', { headers: user.auth })).json()) as {
      email: string;
      emailVerified: boolean;
    };

  async function mailAfter(address: string, action: () => Promise<Response>): Promise<SunkMail> {
    const before = sink.to(address).length;
    expect((await action()).status).toBeLessThan(300);
    const mails = await sink.waitFor(address, before + 1);
    return mails[mails.length - 1];
  }

  /** The link of the mail to `page`: on PUBLIC_URL/account, and the same path on this server. */
  function pageLink(mail: SunkMail, page: string): { url: string; token: string } {
    const { url, token } = linkIn(mail, `/account${page}`);
    expect(url.origin).toBe(new URL(t.config.publicUrl).origin);
    return { url: `${t.baseUrl}${url.pathname}${url.search}`, token };
  }

  /** Opens the page in a browser, fills the inputs by id, presses the button. */
  async function submitPage(url: string, inputs: Record<string, string>): Promise<PageOutcome> {
    const page = browser.newPage();
    try {
      await page.goto(url);
      await page.waitUntilComplete();
      const document = page.mainFrame.document;
      for (const [id, value] of Object.entries(inputs)) {
        (document.getElementById(id) as HTMLInputElement).value = value;
      }
      const button = document.querySelector('button[type="submit"]') as HTMLButtonElement;
      expect(button.disabled).toBe(false);
      button.click();
      await page.waitUntilComplete();
      const status = document.getElementById('status') as HTMLElement;
      expect(status.hidden).toBe(false);
      return {
        kind: status.className.replace('status', '').trim(),
        text: status.textContent.trim(),
        formHidden: (document.getElementById('account-form') as HTMLFormElement).hidden,
      };
    } finally {
      await page.close();
    }
  }

  it('serves a page that references its script and consumes nothing when opened', async () => {
    const user = await newUser(t, { verified: false });
    const mail = await mailAfter(user.email, () =>
      api('resend-verification', {}, user.accessToken),
    );
    const { url, token } = pageLink(mail, '/verify-email');

    for (const method of ['GET', 'GET', 'HEAD']) {
      const res = await fetch(url, { method });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      if (method === 'GET') {
        const html = await res.text();
        expect(html).toContain('<script src="./account-page.js" defer></script>');
        expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
        expect(html).toContain('data-endpoint="../api/v1/auth/verify-email"');
        expect(html).toContain('data-token="required"');
        expect(html).not.toContain(token);
      }
    }
    expect((await me(user)).emailVerified).toBe(false);

    const script = await t.request('/account/account-page.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const source = await script.text();
    expect(source).toContain("'content-type': 'application/json'");
    expect(source).toContain('JSON.stringify(body)');

    // The pages live outside the API prefix.
    expect((await t.request('/api/v1/account/verify-email')).status).toBe(404);
  });

  it('confirms the email address from the page, then shows the API problem for a used link', async () => {
    const user = await newUser(t, { verified: false });
    const mail = await mailAfter(user.email, () =>
      api('resend-verification', {}, user.accessToken),
    );
    const { url, token } = pageLink(mail, '/verify-email');

    const done = await submitPage(url, {});
    expect(done).toMatchObject({ kind: 'success', formHidden: true });
    expect(done.text).toContain('Your email address is confirmed');
    expect((await me(user)).emailVerified).toBe(true);

    const again = await submitPage(url, {});
    expect(again.kind).toBe('error');
    expect(again.formHidden).toBe(false);
    expect(again.text).toContain('ONE_TIME_TOKEN_INVALID');
    // the script posts exactly what the API expects: the same JSON POST answers the same way
    const direct = await api('verify-email', { token });
    expect(direct.status).toBe(400);
    const problem = (await direct.json()) as { title: string; detail: string };
    expect(again.text).toContain(problem.title);
    expect(again.text).toContain(problem.detail);
  });

  it('says so when the link lost its token, and leaves the button disabled', async () => {
    const page = browser.newPage();
    try {
      await page.goto(`${t.baseUrl}/account/reset-password`);
      await page.waitUntilComplete();
      const document = page.mainFrame.document;
      expect((document.querySelector('button[type="submit"]') as HTMLButtonElement).disabled).toBe(
        true,
      );
      expect(document.getElementById('status')!.textContent).toContain('This link is incomplete');
    } finally {
      await page.close();
    }
  });

  it('resets the password from the page, refusing a weak one with the API problem first', async () => {
    const user = await newUser(t);
    const mail = await mailAfter(user.email, () => api('forgot-password', { email: user.email }));
    const { url } = pageLink(mail, '/reset-password');

    const mismatch = await submitPage(url, {
      password: NEW_PASSWORD,
      'password-confirm': `${NEW_PASSWORD}!`,
    });
    expect(mismatch).toMatchObject({ kind: 'error' });
    expect(mismatch.text).toContain('The passwords do not match');

    const weak = await submitPage(url, { password: 'password', 'password-confirm': 'password' });
    expect(weak.kind).toBe('error');
    expect(weak.text).toContain('WEAK_PASSWORD');

    const done = await submitPage(url, {
      password: NEW_PASSWORD,
      'password-confirm': NEW_PASSWORD,
    });
    expect(done).toMatchObject({ kind: 'success', formHidden: true });
    expect(done.text).toContain('Your password is changed');
    expect((await api('login', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
    expect((await api('login', { email: user.email, password: TEST_PASSWORD })).status).toBe(401);
  });

  it('confirms an email change from the page', async () => {
    const user = await newUser(t);
    const newEmail = freshEmail('moved');
    const mail = await mailAfter(newEmail, () =>
      api('me/email', { newEmail, password: TEST_PASSWORD }, user.accessToken),
    );
    const { url } = pageLink(mail, '/confirm-email');

    const done = await submitPage(url, {});
    expect(done).toMatchObject({ kind: 'success', formHidden: true });
    expect((await me(user)).email).toBe(newEmail);
  });

  it('accepts an invitation from the page with a name and a password', async () => {
    const email = freshEmail('invited');
    expect((await api('waitlist', { email })).status).toBe(202);
    await sink.waitFor(email, 1); // "you are on the waitlist"
    const entries = (await (
      await t.request('/api/v1/auth/waitlist?limit=100', { headers: admin.auth })
    ).json()) as { items: { id: string; email: string }[] };
    const entry = entries.items.find((e) => e.email === email)!;
    const mail = await mailAfter(email, () =>
      api(`waitlist/${entry.id}/approve`, {}, admin.accessToken),
    );
    const { url } = pageLink(mail, '/accept-invite');

    const done = await submitPage(url, {
      'display-name': 'Grace Hopper',
      password: NEW_PASSWORD,
      'password-confirm': NEW_PASSWORD,
    });
    expect(done).toMatchObject({ kind: 'success', formHidden: true });
    const signedIn = await api('login', { email, password: NEW_PASSWORD });
    expect(signedIn.status).toBe(200);
    const { accessToken } = (await signedIn.json()) as { accessToken: string };
    const profile = (await (
      await t.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${accessToken}` } })
    ).json()) as { displayName: string };
    expect(profile.displayName).toBe('Grace Hopper');
  });

  it('asks for a reset link from the forgot-password page the other mails link to', async () => {
    const user = await newUser(t);
    const before = sink.to(user.email).length;
    const done = await submitPage(`${t.baseUrl}/account/forgot-password`, { email: user.email });
    expect(done).toMatchObject({ kind: 'success', formHidden: true });
    const mails = await sink.waitFor(user.email, before + 1);
    pageLink(mails[mails.length - 1], '/reset-password');

    const signIn = await t.request('/account/sign-in');
    expect(signIn.status).toBe(200);
    expect(await signIn.text()).toContain('<a href="./forgot-password">');
  });
});
