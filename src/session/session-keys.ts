import { createHash } from 'node:crypto';

/**
 * Every Redis key the BFF writes (docs/architecture.md#the-redis-keyspace): no key is built anywhere
 * else. Each key carries exactly one hash tag `{...}`, so it sits in one Cluster slot (RED-5):
 * - everything about one session shares `{<sid>}` (record, tokens, tombstone, refresh lock), so one
 *   Lua script may touch them together;
 * - indexes and single-key records carry their own tag (`{sub:...}`, `{connect:...}`, `{rl:...}`), so
 *   they spread over the slots and are only ever touched one key per command.
 * Values that are not ours to choose (a user id, an OIDC sid) are encoded or hashed: a `}` in them
 * cannot end the tag early.
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
  /** A spent single-use id: a logout token's `jti` per issuer, a login `state` (RFC 9700 §4.2.4). */
  usedJti(issuer: string, jti: string): string {
    return `${this.prefix}{jti:${sha256(`${issuer}\n${jti}`)}}`;
  }
  /** A session's step-up attempts (loop guard, SU-7); tagged by a hash of the session's handle. */
  stepUpAttempts(sid: string): string {
    return `${this.prefix}{stepup:${sha256(`session:${sessionHandle(sid)}`)}}`;
  }
  /** One started account link, under its `state` (random, base64url: safe inside a tag). */
  connectTransaction(state: string): string {
    return `${this.prefix}{connect:${state}}`;
  }
  /** One pending passkey login, under a hash of the handle the page holds. */
  passkeyLogin(handle: string): string {
    return `${this.prefix}{pk:${sha256(handle)}}`;
  }
  /** A rate-limit counter of one policy and subject; the subject (IP, session handle) is hashed. */
  rateLimit(policy: string, subject: string): string {
    return `${this.prefix}{rl:${policy}:${sha256(subject).slice(0, 22)}}`;
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

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
