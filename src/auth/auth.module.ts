import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { AccountsService } from './accounts.service.js';
import { AdminBootstrap } from './admin-bootstrap.service.js';
import { AuthController } from './auth.controller.js';
import { AuthSession } from './entities/auth-session.entity.js';
import { LoginAttempt } from './entities/login-attempt.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { SigningKey } from './entities/signing-key.entity.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { PolicyGuard } from './guards/policy.guard.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LoginThrottle } from './login-throttle.service.js';
import { OidcController } from './oidc.controller.js';
import { PrincipalService } from './principal.service.js';
import { SessionsService } from './sessions.service.js';
import { SigningKeysService } from './signing-keys.service.js';
import { TokenIssuer } from './token-issuer.service.js';
import { TokenVerifier } from './token-verifier.service.js';

@Module({
  imports: [
    UsersModule,
    PassportModule,
    TypeOrmModule.forFeature([SigningKey, AuthSession, RefreshToken, LoginAttempt]),
  ],
  controllers: [AuthController, OidcController],
  providers: [
    SigningKeysService,
    TokenVerifier,
    TokenIssuer,
    PrincipalService,
    JwtStrategy,
    SessionsService,
    LoginThrottle,
    AccountsService,
    AdminBootstrap,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: PolicyGuard },
  ],
  exports: [AccountsService, SessionsService, TokenIssuer, PrincipalService],
})
export class AuthModule {}
