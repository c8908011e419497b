import { MailTemplate, type MailTemplateSource } from './mail-template.js';

// Handlebars sources, kept in TypeScript so `npm run build` ships them. Every template
// also sees `productName` and `appUrl` (APP_URL, null when unset). Subjects and text parts
// are plain text (not escaped); HTML bodies are escaped and wrapped in MAIL_LAYOUT.
// `{{> button}}` renders a call-to-action link followed by the raw URL. `singleUseLinks`
// names the link variables that carry a single-use token (masked once the mail is sent).

export const MAIL_LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{subject}}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;">
<div style="max-width:560px;margin:0 auto;padding:32px 24px;">
<div style="background:#ffffff;border-radius:8px;padding:32px;font-size:15px;line-height:1.5;">
{{{body}}}
</div>
<p style="font-size:12px;color:#6b7280;text-align:center;margin-top:16px;">{{productName}}{{#if appUrl}} &middot; <a href="{{appUrl}}" style="color:#6b7280;">{{appUrl}}</a>{{/if}}</p>
</div>
</body>
</html>
`;

export const BUTTON_PARTIAL = `<p style="margin:24px 0;"><a href="{{href}}" style="display:inline-block;background:#2563eb;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600;">{{label}}</a></p>
<p style="font-size:13px;color:#6b7280;">If the button does not work, paste this link into your browser:<br><a href="{{href}}" style="color:#6b7280;word-break:break-all;">{{href}}</a></p>`;

const TEXT_FOOTER = `
--
{{productName}}{{#if appUrl}} · {{appUrl}}{{/if}}
`;

export const MAIL_TEMPLATES: { [T in MailTemplate]: MailTemplateSource<T> } = {
  [MailTemplate.VerifyEmail]: {
    subject: 'Confirm your email address for {{productName}}',
    text: `Hello,

please confirm your email address for {{productName}} by opening this link:

{{link}}

If you did not create an account, you can ignore this email.
${TEXT_FOOTER}`,
    html: `<p>Hello,</p>
<p>please confirm your email address for {{productName}}.</p>
{{> button href=link label="Confirm email address"}}
<p>If you did not create an account, you can ignore this email.</p>`,
    singleUseLinks: ['link'],
  },

  [MailTemplate.ResetPassword]: {
    subject: 'Reset your {{productName}} password',
    text: `Hello,

someone (hopefully you) asked to reset the password of your {{productName}} account.
Choose a new password with this link; it expires in {{expiresInMinutes}} minutes and works once:

{{link}}

If you did not ask for this, ignore this email: your password stays as it is.
${TEXT_FOOTER}`,
    html: `<p>Hello,</p>
<p>someone (hopefully you) asked to reset the password of your {{productName}} account. The link expires in {{expiresInMinutes}} minutes and works once.</p>
{{> button href=link label="Choose a new password"}}
<p>If you did not ask for this, ignore this email: your password stays as it is.</p>`,
    singleUseLinks: ['link'],
  },

  [MailTemplate.Invite]: {
    subject:
      '{{#if inviterName}}{{inviterName}} invited you{{else}}You are invited{{/if}} to {{productName}}',
    text: `Hello,

{{#if inviterName}}{{inviterName}}{{else}}an administrator{{/if}} invited you to {{productName}}.
Accept the invitation and set up your account with this link:

{{link}}

If you were not expecting this invitation, you can ignore this email.
${TEXT_FOOTER}`,
    html: `<p>Hello,</p>
<p>{{#if inviterName}}<strong>{{inviterName}}</strong>{{else}}an administrator{{/if}} invited you to {{productName}}.</p>
{{> button href=link label="Accept the invitation"}}
<p>If you were not expecting this invitation, you can ignore this email.</p>`,
    singleUseLinks: ['link'],
  },

  [MailTemplate.WaitlistJoined]: {
    subject: 'You are on the {{productName}} waitlist',
    text: `Hello,

thanks for your interest in {{productName}}: you are on the waitlist.
We will email you as soon as your account is ready.
${TEXT_FOOTER}`,
    html: `<p>Hello,</p>
<p>thanks for your interest in {{productName}}: you are on the waitlist.</p>
<p>We will email you as soon as your account is ready.</p>`,
  },

  [MailTemplate.WaitlistRejected]: {
    subject: 'Your {{productName}} waitlist request',
    text: `Hello,

thank you for your interest in {{productName}}. We are sorry, but we cannot offer you
an account at this time.
${TEXT_FOOTER}`,
    html: `<p>Hello,</p>
<p>thank you for your interest in {{productName}}. We are sorry, but we cannot offer you an account at this time.</p>`,
  },

  [MailTemplate.EmailChange]: {
    subject: 'Confirm your new email address for {{productName}}',
    text: `Hello,

someone asked to use this address for a {{productName}} account. Confirm the change with this link:

{{link}}

Until you confirm, the account keeps its previous address. If you did not ask for this,
you can ignore this email.
${TEXT_FOOTER}`,
    html: `<p>Hello,</p>
<p>someone asked to use this address for a {{productName}} account.</p>
{{> button href=link label="Confirm the new address"}}
<p>Until you confirm, the account keeps its previous address. If you did not ask for this, you can ignore this email.</p>`,
    singleUseLinks: ['link'],
  },

  [MailTemplate.AccountExists]: {
    subject: 'Someone tried to sign up to {{productName}} with your email address',
    text: `Hello,

someone tried to create a {{productName}} account with this email address, but you already
have one. If it was you, sign in here:

{{signInLink}}

Forgot your password? Reset it here:

{{resetPasswordLink}}

If it was not you, you can ignore this email; your account has not changed.
${TEXT_FOOTER}`,
    html: `<p>Hello,</p>
<p>someone tried to create a {{productName}} account with this email address, but you already have one. If it was you, sign in:</p>
{{> button href=signInLink label="Sign in"}}
<p>Forgot your password? <a href="{{resetPasswordLink}}">Reset it</a>.</p>
<p>If it was not you, you can ignore this email; your account has not changed.</p>`,
  },

  [MailTemplate.PasswordChanged]: {
    subject: 'Your {{productName}} password was changed',
    text: `Hello,

the password of your {{productName}} account was just changed.

If this was you, there is nothing to do. If it was not, reset your password at once:

{{resetPasswordLink}}
${TEXT_FOOTER}`,
    html: `<p>Hello,</p>
<p>the password of your {{productName}} account was just changed.</p>
<p>If this was you, there is nothing to do. If it was not, reset your password at once:</p>
{{> button href=resetPasswordLink label="Reset password"}}`,
  },
};
