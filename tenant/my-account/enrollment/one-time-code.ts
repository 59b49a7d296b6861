import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/** A 6-digit code for email / SMS / voice delivery. */
export function newOneTimeCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Codes live 5 minutes and are tried at most a few times, so a plain SHA-256 keeps them out of Redis in clear. */
export function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
}

export function codeMatches(candidate: unknown, storedHash: unknown): boolean {
  if (typeof candidate !== 'string' || typeof storedHash !== 'string') return false;
  const a = Buffer.from(hashCode(candidate.trim()));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}
