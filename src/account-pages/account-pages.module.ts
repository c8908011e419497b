import { Module } from '@nestjs/common';
import { AccountPagesController } from './account-pages.controller.js';

/**
 * The HTML pages that account mails link to when APP_URL is unset, served under
 * /account outside the API prefix (api and all roles).
 */
@Module({ controllers: [AccountPagesController] })
export class AccountPagesModule {}
