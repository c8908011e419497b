import Handlebars from 'handlebars';
import { PRODUCT_NAME } from '../mail/templates/mail-renderer.js';
import { ACCOUNT_PAGES, ACCOUNT_PAGE_SCRIPT } from './account-page-paths.js';

const escape = Handlebars.Utils.escapeExpression;

/** One input of a page's form. */
export interface PageField {
  id: string;
  label: string;
  type: 'email' | 'password' | 'text';
  /** The JSON member the script posts it as; absent for a confirmation field. */
  name?: string;
  /** A confirmation field: the name of the field whose value it must repeat (not posted). */
  confirms?: string;
  autocomplete: string;
  required: boolean;
  minLength?: number;
  maxLength?: number;
}

/** A page whose form the script posts as JSON to one API route. */
export interface FormPage {
  title: string;
  intro: string;
  /** The API route, relative to the page (pages live at /account/..., the API at /api/v1). */
  endpoint: string;
  /** The token from the link's `token` query parameter is posted as `token`. */
  token: boolean;
  fields: PageField[];
  submit: string;
  /** Shown when the API answers 2xx. */
  success: string;
}

/** A page with only text (no form). */
export interface InfoPage {
  title: string;
  intro: string;
  links: { href: string; label: string }[];
}

const API = '../api/v1/auth';

const NEW_PASSWORD: PageField[] = [
  {
    id: 'password',
    name: 'password',
    label: 'New password (8-128 characters)',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minLength: 8,
    maxLength: 128,
  },
  {
    id: 'password-confirm',
    confirms: 'password',
    label: 'Repeat the new password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minLength: 8,
    maxLength: 128,
  },
];

/** Meridian's own account pages, by path under /account (the paths mails link to). */
export const FORM_PAGES: Record<string, FormPage> = {
  [ACCOUNT_PAGES.verifyEmail]: {
    title: 'Confirm your email address',
    intro: `Confirm that this email address belongs to your ${PRODUCT_NAME} account.`,
    endpoint: `${API}/verify-email`,
    token: true,
    fields: [],
    submit: 'Confirm email address',
    success: 'Your email address is confirmed. You can close this page.',
  },
  [ACCOUNT_PAGES.resetPassword]: {
    title: 'Choose a new password',
    intro: `Choose a new password for your ${PRODUCT_NAME} account. Every session signed in with the old one ends.`,
    endpoint: `${API}/reset-password`,
    token: true,
    fields: NEW_PASSWORD,
    submit: 'Set the new password',
    success: 'Your password is changed. Sign in with the new password.',
  },
  [ACCOUNT_PAGES.acceptInvite]: {
    title: 'Accept the invitation',
    intro: `Set up your ${PRODUCT_NAME} account: choose a password (and, if you like, the name others see).`,
    endpoint: `${API}/accept-invite`,
    token: true,
    fields: [
      {
        id: 'display-name',
        name: 'displayName',
        label: 'Your name (optional)',
        type: 'text',
        autocomplete: 'name',
        required: false,
        maxLength: 100,
      },
      ...NEW_PASSWORD,
    ],
    submit: 'Create my account',
    success: 'Your account is ready. Sign in with your email address and the new password.',
  },
  [ACCOUNT_PAGES.confirmEmail]: {
    title: 'Confirm your new email address',
    intro: `Confirm that your ${PRODUCT_NAME} account should use this email address from now on.`,
    endpoint: `${API}/confirm-email-change`,
    token: true,
    fields: [],
    submit: 'Confirm the new address',
    success: 'Your account now uses the new email address.',
  },
  [ACCOUNT_PAGES.forgotPassword]: {
    title: 'Reset your password',
    intro:
      'Enter the email address of your account; a link to choose a new password is mailed to it.',
    endpoint: `${API}/forgot-password`,
    token: false,
    fields: [
      {
        id: 'email',
        name: 'email',
        label: 'Email address',
        type: 'email',
        autocomplete: 'email',
        required: true,
        maxLength: 254,
      },
    ],
    submit: 'Mail me a reset link',
    success:
      'If an account uses this address, a reset link is on its way. It works for 30 minutes.',
  },
};

export const INFO_PAGES: Record<string, InfoPage> = {
  [ACCOUNT_PAGES.signIn]: {
    title: 'Sign in',
    intro:
      `You already have a ${PRODUCT_NAME} account: sign in from the application you use ` +
      `${PRODUCT_NAME} with, with your email address and password.`,
    links: [{ href: `.${ACCOUNT_PAGES.forgotPassword}`, label: 'Forgot your password?' }],
  },
};

const STYLE = `
body{margin:0;background:#f4f5f7;color:#1f2328;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:440px;margin:48px auto 16px;padding:32px;background:#fff;border-radius:8px}
h1{font-size:22px;margin:0 0 12px}
label{display:block;font-weight:600;margin:16px 0 4px}
input{box-sizing:border-box;width:100%;padding:8px 10px;font:inherit;border:1px solid #c5c9d0;border-radius:6px}
button{margin-top:20px;padding:10px 18px;font:inherit;font-weight:600;color:#fff;background:#2563eb;border:0;border-radius:6px;cursor:pointer}
button:disabled{opacity:.5;cursor:default}
.status{margin-top:20px;padding:12px 14px;border-radius:6px}
.status p{margin:4px 0 0}
.success{background:#e7f6ec;color:#14532d}
.error{background:#fdecec;color:#7f1d1d}
.pending{background:#eef2ff;color:#1e3a8a}
footer{font-size:12px;color:#6b7280;text-align:center}
`;

function layout(title: string, body: string, script: boolean): string {
  // The pages live at /account/<page>, the script at /account/account-page.js: relative
  // references keep working behind a proxy that serves Meridian under a path.
  const scriptTag = script ? `\n<script src=".${ACCOUNT_PAGE_SCRIPT}" defer></script>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${escape(title)} · ${PRODUCT_NAME}</title>
<style>${STYLE}</style>${scriptTag}
</head>
<body>
<main>
${body}
</main>
<footer>${PRODUCT_NAME}</footer>
</body>
</html>
`;
}

function field(f: PageField): string {
  const attrs = [
    `id="${escape(f.id)}"`,
    f.name ? `name="${escape(f.name)}"` : '',
    f.confirms ? `data-confirms="${escape(f.confirms)}"` : '',
    `type="${f.type}"`,
    `autocomplete="${escape(f.autocomplete)}"`,
    f.required ? 'required' : '',
    f.minLength ? `minlength="${f.minLength}"` : '',
    f.maxLength ? `maxlength="${f.maxLength}"` : '',
  ].filter(Boolean);
  return `<label for="${escape(f.id)}">${escape(f.label)}</label>\n<input ${attrs.join(' ')}>`;
}

/**
 * A page with a form. Opening it (GET) changes nothing: the script posts the form as JSON
 * to the API only when the button is pressed, so link scanners cannot use a token up. The
 * button stays disabled until the script runs (a form without it would submit nowhere).
 */
export function renderFormPage(page: FormPage): string {
  const body = `<h1>${escape(page.title)}</h1>
<p>${escape(page.intro)}</p>
<form id="account-form" method="post" data-endpoint="${escape(page.endpoint)}" data-token="${page.token ? 'required' : 'none'}" data-success="${escape(page.success)}">
${page.fields.map(field).join('\n')}
<button type="submit" disabled>${escape(page.submit)}</button>
</form>
<div id="status" class="status" role="status" aria-live="polite" hidden></div>
<noscript><p class="status error">This page needs JavaScript to send the form.</p></noscript>`;
  return layout(page.title, body, true);
}

export function renderInfoPage(page: InfoPage): string {
  const links = page.links
    .map((l) => `<p><a href="${escape(l.href)}">${escape(l.label)}</a></p>`)
    .join('\n');
  return layout(
    page.title,
    `<h1>${escape(page.title)}</h1>\n<p>${escape(page.intro)}</p>\n${links}`,
    false,
  );
}
