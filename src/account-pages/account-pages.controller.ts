import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../core/http/public.decorator.js';
import { ACCOUNT_PAGE_SCRIPT_SOURCE } from './account-page.script.js';
import { ACCOUNT_PAGES, ACCOUNT_PAGES_PREFIX, ACCOUNT_PAGE_SCRIPT } from './account-page-paths.js';
import { FORM_PAGES, INFO_PAGES, renderFormPage, renderInfoPage } from './account-pages.js';

const HTML = 'text/html; charset=utf-8';
const PAGE_DESCRIPTION =
  'An HTML page for the link in an account mail when APP_URL is unset (`?token=...`). ' +
  'Opening it changes nothing: its script posts the token to the JSON API only when the ' +
  'button is pressed, so link scanners cannot use the token up.';

/** Rendered once: the pages are the same for every request (the script reads the token). */
const PAGES = {
  verifyEmail: renderFormPage(FORM_PAGES[ACCOUNT_PAGES.verifyEmail]),
  resetPassword: renderFormPage(FORM_PAGES[ACCOUNT_PAGES.resetPassword]),
  acceptInvite: renderFormPage(FORM_PAGES[ACCOUNT_PAGES.acceptInvite]),
  confirmEmail: renderFormPage(FORM_PAGES[ACCOUNT_PAGES.confirmEmail]),
  forgotPassword: renderFormPage(FORM_PAGES[ACCOUNT_PAGES.forgotPassword]),
  signIn: renderInfoPage(INFO_PAGES[ACCOUNT_PAGES.signIn]),
};

const path = (page: string) => page.slice(1);

/**
 * Meridian's own account pages (outside /api/v1), which mail links open when there is no
 * frontend (APP_URL unset): email verification, password reset, invitation, email change.
 */
@ApiTags('account pages')
@Public()
@Controller(ACCOUNT_PAGES_PREFIX.slice(1))
export class AccountPagesController {
  @Get(path(ACCOUNT_PAGES.verifyEmail))
  @Header('content-type', HTML)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Page: confirm the email address.', description: PAGE_DESCRIPTION })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', schema: { type: 'string' } })
  showVerifyEmailPage(): string {
    return PAGES.verifyEmail;
  }

  @Get(path(ACCOUNT_PAGES.resetPassword))
  @Header('content-type', HTML)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Page: choose a new password.', description: PAGE_DESCRIPTION })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', schema: { type: 'string' } })
  showResetPasswordPage(): string {
    return PAGES.resetPassword;
  }

  @Get(path(ACCOUNT_PAGES.acceptInvite))
  @Header('content-type', HTML)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Page: accept an invitation and choose a password.',
    description: PAGE_DESCRIPTION,
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', schema: { type: 'string' } })
  showAcceptInvitePage(): string {
    return PAGES.acceptInvite;
  }

  @Get(path(ACCOUNT_PAGES.confirmEmail))
  @Header('content-type', HTML)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Page: confirm a new email address.', description: PAGE_DESCRIPTION })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', schema: { type: 'string' } })
  showConfirmEmailPage(): string {
    return PAGES.confirmEmail;
  }

  @Get(path(ACCOUNT_PAGES.forgotPassword))
  @Header('content-type', HTML)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Page: ask for a password reset link.',
    description: 'Its script posts the address to POST /api/v1/auth/forgot-password.',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', schema: { type: 'string' } })
  showForgotPasswordPage(): string {
    return PAGES.forgotPassword;
  }

  @Get(path(ACCOUNT_PAGES.signIn))
  @Header('content-type', HTML)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Page: where to sign in (mail links to it when APP_URL is unset).',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', schema: { type: 'string' } })
  showSignInPage(): string {
    return PAGES.signIn;
  }

  @Get(path(ACCOUNT_PAGE_SCRIPT))
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'The script of the account pages (posts their forms as JSON).' })
  @ApiProduces('text/javascript')
  @ApiOkResponse({ description: 'The script', schema: { type: 'string' } })
  getAccountPageScript(): string {
    return ACCOUNT_PAGE_SCRIPT_SOURCE;
  }
}
