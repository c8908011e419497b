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

/**
 * The variables each template needs. A variable whose name ends in `link` is a link: an
 * absolute http(s) URL (into APP_URL, or Meridian's own account pages).
 */
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
export interface MailTemplateSource<T extends MailTemplate = MailTemplate> {
  subject: string;
  text: string;
  /** The body inside the shared layout. */
  html: string;
  /**
   * The link variables that carry a single-use secret (a token in the query). Once SMTP
   * has accepted the mail, the stored copy keeps these links with their query masked.
   */
  singleUseLinks?: readonly (keyof MailTemplateData[T] & string)[];
}

/** The parts of a mail. */
export interface MailParts {
  text: string;
  html: string;
}

export interface RenderedMail extends MailParts {
  subject: string;
  /** Every link the mail contains (its `...link` variables), for the development log. */
  links: string[];
  /**
   * The parts with every single-use link masked, to store once the mail is sent; null
   * when the template has no single-use link.
   */
  masked: MailParts | null;
}
