import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { SessionConfig } from '../config/config.schema.js';
import { SESSION_CONFIG } from '../config/config.tokens.js';
import type { LogoutResponse } from '../public-api.types.js';
import type { LogoutStyle } from './logout.service.js';

/** How a finished logout is answered: the cookie cleared, site data cleared, then 303 or JSON. */
@Injectable()
export class AuthResponses {
  constructor(@Inject(SESSION_CONFIG) private readonly config: SessionConfig) {}

  loggedOut(res: Response, style: LogoutStyle, logoutUrl: string): void {
    res.clearCookie(this.config.cookieName, {
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: this.config.sameSite,
    });
    res.setHeader('Clear-Site-Data', '"cookies", "storage"');
    if (style === 'form') {
      res.redirect(303, logoutUrl);
      return;
    }
    const body: LogoutResponse = { logout_url: logoutUrl };
    res.status(200).json(body);
  }
}
