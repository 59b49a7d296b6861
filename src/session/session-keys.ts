import { createHash } from 'node:crypto';

/**
 * Redis keys. Everything about one session shares the hash tag `{<sid>}` so the session record, its
 * token record, its tombstone and its refresh lock sit in one Cluster slot (RED-5) and one Lua script may
 * touch them together. Indexes carry their own tag (one slot per user / per OIDC sid).
 */
export class SessionKeys {
  constructor(private readonly prefix: string) {}

  session(sid: string): string {
    return `${this.prefix}{${sid}}:sess`;
  }
  tokens(sid: string): string {
    return `${this.prefix}{${sid}}:tokens`;
  }
  /** Left by a destroy so a late write of the same session cannot bring it back. */
  tombstone(sid: string): string {
    return `${this.prefix}{${sid}}:dead`;
  }
  /** The per-session refresh lock (token refresh, docs/architecture.md#token-refresh). */
  lock(sid: string): string {
    return `${this.prefix}{${sid}}:lock`;
  }
  bySub(sub: string): string {
    return `${this.prefix}{sub:${encodeURIComponent(sub)}}:sessions`;
  }
  byOidcSid(oidcSid: string): string {
    return `${this.prefix}{oidcsid:${encodeURIComponent(oidcSid)}}:sessions`;
  }
  usedJti(issuer: string, jti: string): string {
    return `${this.prefix}{jti:${createHash('sha256').update(`${issuer}\n${jti}`).digest('base64url')}}`;
  }
}

/** Express-session ids we issue: 32 random bytes, base64url. Anything else is never looked up (SES-6). */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A stable, non-secret handle of a session for logs, `id_hint` and the sessions list: the session id
 * itself is a bearer credential and never leaves the server.
 */
export function sessionHandle(sid: string): string {
  return createHash('sha256').update(`session-handle\n${sid}`).digest('base64url').slice(0, 22);
}
