/** Codes of the mail feature's problem responses. */
export enum MailErrorCode {
  NotFound = 'MAIL_NOT_FOUND',
}
