import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { MailModule } from '../mail/mail.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountController } from './account.controller.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { AccountMailer } from './account-mailer.service.js';
import { AccountsService } from './accounts.service.js';
import { AdminBootstrap } from './admin-bootstrap.service.js';
import { AuthController } from './auth.controller.js';
import { DeviceTokens } from './device-tokens.service.js';
import { EmailChangeService } from './email-change.service.js';
import { AuthSession } from './entities/auth-session.entity.js';
import { LoginAttempt } from './entities/login-attempt.entity.js';
import { OneTimeToken } from './entities/one-time-token.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { SigningKey } from './entities/signing-key.entity.js';
import { WaitlistEntry } from './entities/waitlist-entry.entity.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { PolicyGuard } from './guards/policy.guard.js';
import { InvitationService } from './invitation.service.js';
import { VerifiedTokens } from './verified-tokens.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LoginThrottle } from './login-throttle.service.js';
import { OidcController } from './oidc.controller.js';
import { OneTimeTokensRepository } from './one-time-tokens.repository.js';
import { OneTimeTokensService } from './one-time-tokens.service.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordConfirmation } from './password-confirmation.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { PrincipalService } from './principal.service.js';
import { RegistrationController } from './registration.controller.js';
import { RegistrationService } from './registration.service.js';
import { SessionsService } from './sessions.service.js';
import { SigningKeysService } from './signing-keys.service.js';
import { TokenIssuer } from './token-issuer.service.js';
import { TokenVerifier } from './token-verifier.service.js';
import { WaitlistAdminService } from './waitlist-admin.service.js';
import { WaitlistController } from './waitlist.controller.js';
import { WaitlistRepository } from './waitlist.repository.js';
import { WaitlistService } from './waitlist.service.js';

@Module({
  imports: [
    UsersModule,
    MailModule,
    AuditModule,
    PassportModule,
    TypeOrmModule.forFeature([
      SigningKey,
      AuthSession,
      RefreshToken,
      LoginAttempt,
      OneTimeToken,
      WaitlistEntry,
    ]),
  ],
  controllers: [
    AuthController,
    OidcController,
    RegistrationController,
    AccountController,
    WaitlistController,
  ],
  providers: [
    SigningKeysService,
    TokenVerifier,
    TokenIssuer,
    PrincipalService,
    VerifiedTokens,
    JwtStrategy,
    SessionsService,
    LoginThrottle,
    DeviceTokens,
    AccountsService,
    AdminBootstrap,
    OneTimeTokensRepository,
    OneTimeTokensService,
    AccountMailer,
    PasswordConfirmation,
    RegistrationService,
    PasswordResetService,
    PasswordChangeService,
    EmailChangeService,
    AccountDeletionService,
    WaitlistRepository,
    WaitlistService,
    WaitlistAdminService,
    InvitationService,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: PolicyGuard },
  ],
  exports: [
    AccountsService,
    SessionsService,
    TokenIssuer,
    PrincipalService,
    PasswordResetService,
    RegistrationService,
    AccountDeletionService,
  ],
})
export class AuthModule {}
