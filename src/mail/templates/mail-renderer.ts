import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import {
  MailTemplate,
  type MailTemplateData,
  type MailTemplateSource,
  type RenderedMail,
} from './mail-template.js';
import { BUTTON_PARTIAL, MAIL_LAYOUT, MAIL_TEMPLATES } from './mail-templates.js';

export const PRODUCT_NAME = 'Meridian';

type Render = (context: Record<string, unknown>) => string;

interface CompiledTemplate {
  subject: Render;
  text: Render;
  html: Render;
}

/**
 * Renders the mail templates: subject and text as plain text, HTML with every variable
 * escaped, inside the shared layout. Strict mode: a variable a template names but the
 * data lacks is an error, not an empty string.
 */
@Injectable()
export class MailRenderer {
  private readonly hbs = Handlebars.create();
  private readonly layout: Render;
  private readonly templates = new Map<MailTemplate, CompiledTemplate>();

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'appUrl'>) {
    this.hbs.registerPartial('button', BUTTON_PARTIAL);
    this.layout = this.html(MAIL_LAYOUT);
    for (const template of Object.values(MailTemplate)) {
      this.templates.set(template, this.compile(MAIL_TEMPLATES[template]));
    }
  }

  render<T extends MailTemplate>(template: T, data: MailTemplateData[T]): RenderedMail {
    const compiled = this.templates.get(template);
    if (!compiled) throw new Error(`Unknown mail template "${template}"`);
    checkLinks(template, data);
    const context = { ...data, productName: PRODUCT_NAME, appUrl: this.config.appUrl };
    const subject = compiled.subject(context).replace(/\s+/g, ' ').trim();
    return {
      subject,
      text: compiled.text(context),
      html: this.layout({ ...context, subject, body: compiled.html(context) }),
    };
  }

  private compile(source: MailTemplateSource): CompiledTemplate {
    return {
      subject: this.plain(source.subject),
      text: this.plain(source.text),
      html: this.html(source.html),
    };
  }

  private plain(source: string): Render {
    return this.hbs.compile(source, { strict: true, noEscape: true });
  }

  private html(source: string): Render {
    return this.hbs.compile(source, { strict: true });
  }
}

/** Every `...link` variable must be an absolute http(s) URL (no `javascript:` in a mail). */
function checkLinks(template: string, data: object): void {
  for (const [key, value] of Object.entries(data)) {
    if (/link$/i.test(key) && (typeof value !== 'string' || !/^https?:\/\/\S+$/i.test(value))) {
      throw new Error(`Mail template "${template}": ${key} must be an absolute http(s) URL`);
    }
  }
}
