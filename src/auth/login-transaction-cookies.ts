import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import type { OidcConfig, SessionConfig } from '../config/config.schema.js';
import { OIDC_CONFIG, SESSION_CONFIG } from '../config/config.tokens.js';
import { readCookieHeader, readCookiesByPrefix } from '../http/cookie-header.js';
import { ReplayCache } from '../session/replay-cache.js';
import { TokenCipher } from '../session/token-cipher.js';

/** One started login (BCP-3): what the callback needs to finish it. */
export interface LoginTransaction {
  state: string;
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  maxAge?: number;
  acrValues?: string;
  /** Epoch ms. */
  createdAt: number;
}

/** Logins one browser may have in flight (tabs); a start beyond it drops the oldest transactions. */
export const MAX_PARALLEL_LOGINS = 4;

/**
 * Login transactions live in the browser, not in Redis (RED-12: anonymous traffic creates no store
 * entry): each in its own `__Host-` cookie named after its `state` (`<transactionCookieName>.<hash>`), so
 * parallel logins in several tabs do not overwrite each other. The value is AES-256-GCM under the token
 * key ring with the cookie's name as additional data, and holds its state: unreadable, unforgeable, and
 * not movable to another state.
 * HttpOnly, Secure, Path=/, SameSite=Lax (it must come back with the tenant's cross-site redirect,
 * BCP-16), Max-Age = `oidc.loginTransactionTtlSeconds`. Holding the cookie is the browser binding: a
 * callback opened in another browser finds none.
 *
 * Single use (RFC 9700 §4.2.4): the callback clears the cookie and marks the state used in Redis until the
 * transaction would have expired, so a replayed callback fails even with a copy of the cookie. That marker
 * is the only key a login writes, and only at a callback that presents a transaction this BFF sealed.
 */
@Injectable()
export class LoginTransactionCookies {
  constructor(
    private readonly cipher: TokenCipher,
    private readonly used: ReplayCache,
    @Inject(OIDC_CONFIG) private readonly oidc: OidcConfig,
    @Inject(SESSION_CONFIG) private readonly session: SessionConfig,
  ) {}

  /** Sets the transaction's cookie; drops the oldest others beyond MAX_PARALLEL_LOGINS - 1. */
  issue(req: Request, res: Response, transaction: LoginTransaction): void {
    const others = [...readCookiesByPrefix(req.headers.cookie, this.prefix)].map(([name, value]) => ({
      name,
      createdAt: this.open(name, value)?.createdAt ?? 0,
    }));
    others.sort((a, b) => b.createdAt - a.createdAt);
    for (const stale of others.slice(MAX_PARALLEL_LOGINS - 1)) this.clear(res, stale.name);
    const name = this.nameOf(transaction.state);
    const sealed = this.cipher.encrypt(JSON.stringify(transaction), aad(name));
    res.cookie(name, sealed, { ...this.attributes(), maxAge: this.ttlSeconds * 1000 });
  }

  /**
   * The transaction named by `state`, read from this browser's cookie and spent: the cookie cleared, the
   * state marked used. Undefined when the browser holds none (another browser, expired, already used,
   * tampered).
   */
  async take(req: Request, res: Response, state: string): Promise<LoginTransaction | undefined> {
    const name = this.nameOf(state);
    const sealed = readCookieHeader(req.headers.cookie, name);
    if (sealed === undefined) return undefined;
    this.clear(res, name);
    const transaction = this.open(name, sealed);
    if (transaction?.state !== state) return undefined;
    const remaining = transaction.createdAt + this.ttlSeconds * 1000 - Date.now();
    if (remaining <= 0) return undefined;
    const first = await this.used.firstUse('login-state', state, Math.ceil(remaining / 1000));
    return first ? transaction : undefined;
  }

  /** Cookie prefix of every login transaction. */
  private get prefix(): string {
    return `${this.session.transactionCookieName}.`;
  }

  private get ttlSeconds(): number {
    return this.oidc.loginTransactionTtlSeconds;
  }

  /** The cookie name of a state: a short hash (the state itself stays out of cookie names). */
  private nameOf(state: string): string {
    return `${this.prefix}${createHash('sha256').update(state).digest('base64url').slice(0, 16)}`;
  }

  /** The transaction in cookie `name`, or undefined when it does not decrypt or is malformed. */
  private open(name: string, sealed: string): LoginTransaction | undefined {
    try {
      const value = JSON.parse(this.cipher.decrypt(sealed, aad(name))) as Partial<LoginTransaction>;
      return isTransaction(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  private clear(res: Response, name: string): void {
    res.clearCookie(name, this.attributes());
  }

  private attributes() {
    return { httpOnly: true, secure: true, sameSite: 'lax' as const, path: '/' };
  }
}

function aad(cookieName: string): string {
  return `login-transaction\n${cookieName}`;
}

function isTransaction(value: Partial<LoginTransaction>): value is LoginTransaction {
  return (
    typeof value.state === 'string' &&
    typeof value.codeVerifier === 'string' &&
    typeof value.nonce === 'string' &&
    typeof value.returnTo === 'string' &&
    typeof value.createdAt === 'number' &&
    (value.maxAge === undefined || typeof value.maxAge === 'number') &&
    (value.acrValues === undefined || typeof value.acrValues === 'string')
  );
}
