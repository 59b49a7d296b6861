import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import type { OidcConfig } from '../config/config.schema.js';
import { OIDC_CONFIG } from '../config/config.tokens.js';
import { IssuerKeys } from './issuer-keys.js';
import { REPLAY_GUARD, type ReplayGuard } from './replay-guard.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const CLOCK_TOLERANCE_SECONDS = 60;
const ACCEPTED_TYP = new Set(['logout+jwt', 'application/logout+jwt', 'jwt']);

/** Who the logout token asks to sign out. */
export interface LogoutTarget {
  sub?: string;
  sid?: string;
}

/** A logout token that must be refused (400, sessions intact). `reason` goes to the log only. */
export class InvalidLogoutToken extends Error {
  constructor(readonly reason: string) {
    super(`invalid logout token: ${reason}`);
    this.name = 'InvalidLogoutToken';
  }
}

/**
 * OIDC Back-Channel Logout 1.0 §2.6: signature against the issuer's JWKS with an alg allow-list, iss,
 * aud (our client id), iat, exp, the backchannel-logout event, no nonce, sub or sid, and a jti not seen
 * before (kept in Redis until the token expires).
 */
@Injectable()
export class LogoutTokenVerifier {
  constructor(
    @Inject(OIDC_CONFIG) private readonly config: OidcConfig,
    private readonly keys: IssuerKeys,
    @Inject(REPLAY_GUARD) private readonly replays: ReplayGuard,
  ) {}

  async verify(token: string): Promise<LogoutTarget> {
    const payload = await this.verifySignature(token);
    const target = checkClaims(payload);
    const ttl = (payload.exp as number) - Math.floor(Date.now() / 1000) + CLOCK_TOLERANCE_SECONDS;
    if (!(await this.replays.firstUse(this.config.issuer, payload.jti as string, ttl)))
      throw new InvalidLogoutToken('jti replayed');
    return target;
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    let typ: string | undefined;
    try {
      typ = decodeProtectedHeader(token).typ;
    } catch {
      throw new InvalidLogoutToken('not a JWS');
    }
    if (typ !== undefined && !ACCEPTED_TYP.has(typ.toLowerCase())) throw new InvalidLogoutToken(`typ ${typ}`);
    try {
      const { payload } = await jwtVerify(token, this.keys.keySet(), {
        issuer: this.config.issuer,
        audience: this.config.clientId,
        algorithms: [...this.config.idTokenAlgs],
        requiredClaims: ['iat', 'exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return payload;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new InvalidLogoutToken(`${e.code ?? 'error'}: ${e.message ?? ''}`);
    }
  }
}

function checkClaims(payload: JWTPayload): LogoutTarget {
  const events = payload.events as Record<string, unknown> | undefined;
  if (!events || typeof events !== 'object' || Array.isArray(events))
    throw new InvalidLogoutToken('no events claim');
  const event = events[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new InvalidLogoutToken('no backchannel-logout event');
  if ('nonce' in payload) throw new InvalidLogoutToken('nonce present');
  const sub = typeof payload.sub === 'string' && payload.sub ? payload.sub : undefined;
  const sid = typeof payload.sid === 'string' && payload.sid ? payload.sid : undefined;
  if (!sub && !sid) throw new InvalidLogoutToken('neither sub nor sid');
  if (typeof payload.jti !== 'string' || !payload.jti) throw new InvalidLogoutToken('no jti');
  return { sub, sid };
}
