import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import {
  MailTemplate,
  type MailParts,
  type MailTemplateData,
  type MailTemplateSource,
  type RenderedMail,
} from './mail-template.js';
import { BUTTON_PARTIAL, MAIL_LAYOUT, MAIL_TEMPLATES } from './mail-templates.js';

export const PRODUCT_NAME = 'Meridian';

/** What replaces each query value of a single-use link in the stored copy of a sent mail. */
export const MASKED_VALUE = 'redacted';

type Render = (context: Record<string, unknown>) => string;

interface CompiledTemplate {
  subject: Render;
  text: Render;
  html: Render;
  singleUseLinks: readonly string[];
}

/**
 * Renders the mail templates: subject and text as plain text, HTML with every variable
 * escaped, inside the shared layout. Strict mode: a variable a template names but the
 * data lacks is an error, not an empty string. Mails with single-use links are rendered a
 * second time with those links masked (the copy kept once the mail is sent): the masking
 * replaces template variables, never searches the rendered text.
 */
@Injectable()
export class MailRenderer {
  private readonly hbs = Handlebars.create();
  private readonly layout: Render;
  private readonly templates = new Map<MailTemplate, CompiledTemplate>();

  constructor(@Inject(APP_CONFIG) private readonly config: { appUrl?: AppConfig['appUrl'] }) {
    this.hbs.registerPartial('button', BUTTON_PARTIAL);
    this.layout = this.html(MAIL_LAYOUT);
    for (const template of Object.values(MailTemplate)) {
      this.templates.set(template, this.compile(MAIL_TEMPLATES[template]));
    }
  }

  render<T extends MailTemplate>(template: T, data: MailTemplateData[T]): RenderedMail {
    const compiled = this.templates.get(template);
    if (!compiled) throw new Error(`Unknown mail template "${template}"`);
    const links = checkLinks(template, data);
    const context = { ...data, productName: PRODUCT_NAME, appUrl: this.config.appUrl ?? null };
    const subject = compiled.subject(context).replace(/\s+/g, ' ').trim();
    const parts = (values: Record<string, unknown>): MailParts => ({
      text: compiled.text(values),
      html: this.layout({ ...values, subject, body: compiled.html(values) }),
    });
    let masked: MailParts | null = null;
    if (compiled.singleUseLinks.length > 0) {
      const maskedValues: Record<string, unknown> = { ...context };
      for (const key of compiled.singleUseLinks) {
        maskedValues[key] = maskSingleUseLink(template, key, String(maskedValues[key]));
      }
      masked = parts(maskedValues);
    }
    return { subject, ...parts(context), links, masked };
  }

  private compile(
    source: Omit<MailTemplateSource, 'singleUseLinks'> & { singleUseLinks?: readonly string[] },
  ): CompiledTemplate {
    return {
      subject: this.plain(source.subject),
      text: this.plain(source.text),
      html: this.html(source.html),
      singleUseLinks: source.singleUseLinks ?? [],
    };
  }

  private plain(source: string): Render {
    return this.hbs.compile(source, { strict: true, noEscape: true });
  }

  private html(source: string): Render {
    return this.hbs.compile(source, { strict: true });
  }
}

/**
 * Every `...link` variable must be an absolute http(s) URL (no `javascript:` in a mail).
 * Returns the links.
 */
function checkLinks(template: string, data: object): string[] {
  const links: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!/link$/i.test(key)) continue;
    if (typeof value !== 'string' || !/^https?:\/\/\S+$/i.test(value)) {
      throw new Error(`Mail template "${template}": ${key} must be an absolute http(s) URL`);
    }
    links.push(value);
  }
  return links;
}

/**
 * The link with every query value (where single-use links carry their token), any
 * credentials and the fragment replaced: the page it opens stays readable. A single-use
 * link without a query is refused, since masking could not remove its secret.
 */
export function maskSingleUseLink(template: string, key: string, link: string): string {
  const url = new URL(link);
  if (url.search === '') {
    throw new Error(
      `Mail template "${template}": ${key} is single-use and must carry its token in the query`,
    );
  }
  const names = new Set(url.searchParams.keys());
  url.search = new URLSearchParams(
    [...names].map((name): [string, string] => [name, MASKED_VALUE]),
  ).toString();
  url.username = '';
  url.password = '';
  url.hash = '';
  return url.toString();
}
