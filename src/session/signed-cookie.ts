import { createHmac, timingSafeEqual } from 'node:crypto';
import { readSingleCookie } from '../http/cookie-header.js';

/**
 * The session cookie's value format, as express-session writes it: `s:<sid>.<mac>` (URI-encoded), where
 * `<mac>` is base64 HMAC-SHA256 of `<sid>` under one of the configured secrets, without `=` padding. Every
 * secret verifies (rotation: the first signs new cookies). Used by the proxy's hot path, which reads the
 * cookie without express-session; express-session itself verifies the same format on every other path.
 */

/** `<mac>` of a value under one secret (cookie-signature's format). */
function mac(value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '');
}

/** The value when `signed` is `<value>.<mac>` under one of `secrets`, else undefined (constant-time compare). */
export function unsignCookieValue(signed: string, secrets: readonly string[]): string | undefined {
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  for (const secret of secrets) {
    const expected = Buffer.from(mac(value, secret));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return value;
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
  secrets: readonly string[],
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
