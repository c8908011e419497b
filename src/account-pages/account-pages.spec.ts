import { describe, expect, it } from '@jest/globals';
import { Script } from 'node:vm';
import { ACCOUNT_PAGE_SCRIPT_SOURCE } from './account-page.script.js';
import { ACCOUNT_PAGES, ACCOUNT_PAGE_ROUTES } from './account-page-paths.js';
import { FORM_PAGES, INFO_PAGES, renderFormPage, renderInfoPage } from './account-pages.js';

describe('account pages', () => {
  it('has a page for every path the account mails link to', () => {
    const served = [...Object.keys(FORM_PAGES), ...Object.keys(INFO_PAGES)].sort();
    expect(served).toEqual(Object.values(ACCOUNT_PAGES).sort());
    expect(ACCOUNT_PAGE_ROUTES).toEqual([
      'account/verify-email',
      'account/reset-password',
      'account/confirm-email',
      'account/accept-invite',
      'account/sign-in',
      'account/forgot-password',
      'account/account-page.js',
    ]);
  });

  it.each(Object.entries(FORM_PAGES))(
    '%s: a form the script posts to the API, with its fields',
    (_path, page) => {
      const html = renderFormPage(page);
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('<script src="./account-page.js" defer></script>');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).toContain(`data-endpoint="${page.endpoint}"`);
      expect(page.endpoint).toMatch(/^\.\.\/api\/v1\/auth\/[a-z-]+$/);
      expect(html).toContain(`data-token="${page.token ? 'required' : 'none'}"`);
      expect(html).toContain('<button type="submit" disabled>');
      for (const field of page.fields) {
        expect(html).toContain(`id="${field.id}"`);
        if (field.name) expect(html).toContain(`name="${field.name}"`);
        else expect(html).toContain(`data-confirms="${field.confirms}"`);
      }
    },
  );

  it('asks for the new password twice where one is set, posting it once', () => {
    for (const path of [ACCOUNT_PAGES.resetPassword, ACCOUNT_PAGES.acceptInvite]) {
      const html = renderFormPage(FORM_PAGES[path]);
      expect(html.match(/name="password"/g)).toHaveLength(1);
      expect(html).toContain('data-confirms="password"');
      expect(html).toContain('minlength="8" maxlength="128"');
    }
  });

  it('escapes what it puts into the HTML', () => {
    const html = renderFormPage({
      title: '<b>x</b>',
      intro: 'a & b',
      endpoint: '../api/v1/auth/x"y',
      token: false,
      fields: [],
      submit: 'Go',
      success: '"done"',
    });
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('a &amp; b');
    expect(html).toContain('data-endpoint="../api/v1/auth/x&quot;y"');
    expect(html).toContain('data-success="&quot;done&quot;"');
  });

  it('serves the sign-in page without a script', () => {
    const html = renderInfoPage(INFO_PAGES[ACCOUNT_PAGES.signIn]);
    expect(html).not.toContain('<script');
    expect(html).toContain('<a href="./forgot-password">');
  });

  it('ships a script that parses', () => {
    expect(() => new Script(ACCOUNT_PAGE_SCRIPT_SOURCE)).not.toThrow();
  });
});
