import type { Request } from 'express';
import type { JWK } from 'jose';
import type { IDToken } from '../oidc/oidc.client.js';
import type { CodeExchangeResult } from '../oidc/oidc.client.js';
import type { NewSession } from '../session/session.service.js';
import type { TokenSet } from '../session/session.types.js';

/**
 * What a validated login (the callback's code exchange or an embedded-login grant) puts in a new session.
 * One place, so every way of signing in records the same user facts, MFA facts and tokens.
 */

const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** `auth_time` of this login when its ID token shows MFA (`amr` ∋ mfa, or `acr` = the MFA policy), else null. */
export function mfaTimeOf(claims: IDToken, mfaAcr: string): number | null {
  const amr = Array.isArray(claims.amr) ? claims.amr : [];
  const didMfa = amr.includes('mfa') || claims.acr === mfaAcr;
  return didMfa && typeof claims.auth_time === 'number' ? claims.auth_time : null;
}

export function buildNewSession(
  req: Request,
  claims: IDToken,
  mfaAt: number | null,
  scope: string | undefined,
): NewSession {
  return {
    user: {
      sub: claims.sub,
      iss: claims.iss,
      name: text(claims.name),
      email: text(claims.email),
      picture: text(claims.picture),
    },
    oidcSid: text(claims.sid),
    authTime: typeof claims.auth_time === 'number' ? claims.auth_time : undefined,
    mfaAt,
    scopes: (scope ?? '').split(' ').filter(Boolean),
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 256) : null,
  };
}

/** The session's token record: the mapped tokens (token-response.ts) and the session's DPoP key. */
export function buildTokenSet(result: CodeExchangeResult, dpopKey?: JWK): TokenSet {
  const { claims: _claims, ...tokens } = result;
  return { ...tokens, ...(dpopKey ? { dpopKey } : {}) };
}
