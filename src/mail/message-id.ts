import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser';

/** The right-hand side when MAIL_FROM has no usable domain. */
const FALLBACK_DOMAIN = 'meridian.local';

/** A dot-atom host name, as the right-hand side of a Message-ID needs. */
const DOT_ATOM = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;

/** The domain of the sender address in MAIL_FROM (`Meridian <no-reply@example.com>`), as ASCII. */
export function senderDomain(mailFrom: string): string {
  const [sender] = addressparser(mailFrom, { flatten: true });
  const at = sender?.address.lastIndexOf('@') ?? -1;
  const domain = at > 0 ? domainToASCII(sender.address.slice(at + 1)).toLowerCase() : '';
  return DOT_ATOM.test(domain) ? domain : FALLBACK_DOMAIN;
}

/**
 * The Message-ID of a stored mail: its outbox id at the sender's domain. Every delivery
 * attempt of the mail carries the same one, so a receiver that got the mail twice (a
 * worker stopped after the SMTP server accepted it, before the outbox row was updated) can
 * drop the duplicate.
 */
export function messageIdFor(mailId: string, mailFrom: string): string {
  return `<${mailId}@${senderDomain(mailFrom)}>`;
}
