import { Module } from '@nestjs/common';
import { ActiveSessionsController } from './active-sessions.controller.js';
import { OtherSessions } from './other-sessions.service.js';

/** "Sign out other sessions" (SES-11), beside the sessions list of the auth feature. */
@Module({ controllers: [ActiveSessionsController], providers: [OtherSessions] })
export class ActiveSessionsModule {}
