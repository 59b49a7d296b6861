import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { SessionConfig } from '../config/config.schema.js';
import { SESSION_CONFIG } from '../config/config.tokens.js';
import { PAGE_HEADERS, escapeHtml } from '../http/error-page.js';
import type { LogoutResponse } from '../public-api.types.js';
import type { LogoutStyle } from './logout.service.js';

/** How finished logins and logouts are answered. */
@Injectable()
export class AuthResponses {
  constructor(@Inject(SESSION_CONFIG) private readonly config: SessionConfig) {}

  /**
   * 302 to `returnTo`. With a `SameSite=Strict` session cookie the browser would not send it on that
   * redirect (the chain began at the tenant, another site: BCP-16), so the first page would look signed
   * out: then a tiny page navigates on its own instead (same-site, the cookie goes along).
   */
  loggedIn(res: Response, returnTo: string): void {
    if (this.config.sameSite !== 'strict') {
      res.redirect(302, returnTo);
      return;
    }
    const target = escapeHtml(returnTo);
    res
      .status(200)
      .set(PAGE_HEADERS)
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}">` +
          `<title>Signed in</title></head><body><p><a href="${target}">Continue</a></p></body></html>`,
      );
  }

  /** The cookie cleared, site data cleared, then 303 (form) or JSON (script). */
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
