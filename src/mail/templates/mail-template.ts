/** Every mail Meridian sends. */
export enum MailTemplate {
  VerifyEmail = 'verify-email',
  ResetPassword = 'reset-password',
  Invite = 'invite',
  WaitlistJoined = 'waitlist-joined',
  WaitlistRejected = 'waitlist-rejected',
  EmailChange = 'email-change',
  AccountExists = 'account-exists',
  PasswordChanged = 'password-changed',
}

/** The variables each template needs. Links are absolute http(s) URLs (usually APP_URL based). */
export interface MailTemplateData {
  [MailTemplate.VerifyEmail]: { link: string };
  [MailTemplate.ResetPassword]: { link: string; expiresInMinutes: number };
  /** inviterName null or omitted reads "an administrator". */
  [MailTemplate.Invite]: { link: string; inviterName?: string | null };
  [MailTemplate.WaitlistJoined]: Record<string, never>;
  [MailTemplate.WaitlistRejected]: Record<string, never>;
  /** Sent to the new address: the link confirms it. */
  [MailTemplate.EmailChange]: { link: string };
  /** Someone tried to register with this address. */
  [MailTemplate.AccountExists]: { signInLink: string; resetPasswordLink: string };
  [MailTemplate.PasswordChanged]: { resetPasswordLink: string };
}

/** Handlebars sources of one mail: the subject and text are plain text, the HTML is escaped. */
export interface MailTemplateSource {
  subject: string;
  text: string;
  /** The body inside the shared layout. */
  html: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
