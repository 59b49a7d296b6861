import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { BearerGuard } from './bearer.guard.js';
import { BearerKeys } from './bearer-keys.js';
import { MyAccountBearerStrategy } from './bearer.strategy.js';

/**
 * Bearer callers of the My Account proxy (docs/architecture.md#the-http-surface): a server-rendered page
 * holding a user's access token calls `/api/me/v1/*` with `Authorization: Bearer` and no session cookie.
 * `BearerGuard` is global (it judges only those requests) and sets `req.bearerCaller`
 * (src/bearer/bearer-caller.ts).
 */
@Module({
  imports: [PassportModule],
  providers: [
    BearerKeys,
    MyAccountBearerStrategy,
    BearerGuard,
    { provide: APP_GUARD, useExisting: BearerGuard },
  ],
  exports: [BearerGuard],
})
export class BearerModule {}
