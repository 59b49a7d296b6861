import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { AuthResponses } from './auth-responses.js';
import { BackchannelLogoutService } from './backchannel-logout.service.js';
import { CallbackService } from './callback.service.js';
import { LoginLoopGuard } from './login-loop.guard.js';
import { LoginTransactionCookies } from './login-transaction-cookies.js';
import { LoginService } from './login.service.js';
import { LogoutService } from './logout.service.js';
import { SessionController } from './session.controller.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';
import { SessionInfoService } from './session-info.service.js';
import { SessionGuard } from './session.guard.js';

@Module({
  controllers: [AuthController, SessionController, SessionsController],
  providers: [
    LoginService,
    LoginLoopGuard,
    LoginTransactionCookies,
    CallbackService,
    LogoutService,
    BackchannelLogoutService,
    SessionInfoService,
    SessionsService,
    AuthResponses,
    SessionGuard,
  ],
  exports: [SessionInfoService, SessionGuard],
})
export class AuthModule {}
