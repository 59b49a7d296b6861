import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { BearerGuard } from './bearer.guard.js';
import { BearerKeys } from './bearer-keys.js';
import { MyAccountBearerStrategy } from './bearer.strategy.js';

/**
 * Bearer callers of the My Account proxy (docs/architecture.md#the-http-surface): a server-rendered page
 * holding a user's access token calls `/api/me/v1/*` with `Authorization: Bearer` and no session cookie.
 * `BearerGuard` is global (app.module.ts registers it, before the session guard; it judges only those
 * requests) and sets `req.bearerCaller` (src/bearer/bearer-caller.ts).
 */
@Module({
  imports: [PassportModule],
  providers: [BearerKeys, MyAccountBearerStrategy, BearerGuard],
  exports: [BearerGuard],
})
export class BearerModule {}
