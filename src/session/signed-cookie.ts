import signature from 'cookie-signature';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { readSingleCookie } from '../http/cookie-header.js';

/**
 * The session cookie's value format, as express-session writes it: `s:<sid>.<mac>` (URI-encoded), where
 * `<mac>` is base64 HMAC-SHA256 of `<sid>` under one of the configured secrets, without `=` padding. Every
 * secret verifies (rotation: the first signs new cookies). Used by the proxy's hot path, which reads the
 * cookie without express-session, with the signer express-session itself verifies it with.
 */

/** A `session.secrets` entry, or the same secret imported once as an HMAC key (no key import per request). */
export type CookieSecret = string | KeyObject;

/** The secrets as HMAC keys (their UTF-8 bytes, as a string secret is used): the same MACs, computed faster. */
export function cookieSecretKeys(secrets: readonly string[]): KeyObject[] {
  return secrets.map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
}

/** The value when `signed` is `<value>.<mac>` under one of `secrets`, else undefined (constant-time compare). */
export function unsignCookieValue(signed: string, secrets: readonly CookieSecret[]): string | undefined {
  for (const secret of secrets) {
    const value = signature.unsign(signed, secret);
    if (value) return value; // false: no match; '' carries no id
  }
  return undefined;
}

/** A cookie value express-session could read differently (quotes, repeated name): left to it. */
const PLAIN_VALUE = /^[A-Za-z0-9%:._+/=-]+$/;

/**
 * The session id carried by a Cookie header, verified, or undefined when there is none, it is forged, or
 * its form is unusual enough (the name twice, a quoted value) that only express-session should judge it.
 */
export function readSignedSessionId(
  header: string | undefined,
  cookieName: string,
  secrets: readonly CookieSecret[],
): string | undefined {
  const raw = readSingleCookie(header, cookieName);
  if (!raw || !PLAIN_VALUE.test(raw)) return undefined;
  let value: string;
  try {
    value = raw.includes('%') ? decodeURIComponent(raw) : raw;
  } catch {
    return undefined;
  }
  return value.startsWith('s:') ? unsignCookieValue(value.slice(2), secrets) : undefined;
}
