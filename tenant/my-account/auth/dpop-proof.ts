import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import type { Redis } from 'ioredis';
import { DPOP_ALGS } from './challenge.js';
import type { DpopNonces } from './dpop-nonce.js';

/** Accepted distance between a proof's `iat` and our clock (RFC 9449 §11.1 leaves it to the server). */
const IAT_WINDOW_SECONDS = 60;

export class DpopProofError extends Error {
  constructor(
    readonly code: 'invalid_dpop_proof' | 'use_dpop_nonce',
    message: string,
  ) {
    super(message);
  }
}

export interface DpopCheck {
  proof: string;
  method: string;
  /** The request URL as the client addressed it, without query and fragment. */
  url: string;
  accessToken: string;
  jkt: string;
}

function sameUrl(htu: unknown, expected: string): boolean {
  if (typeof htu !== 'string') return false;
  try {
    const a = new URL(htu);
    const b = new URL(expected);
    return a.origin === b.origin && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

/** RFC 9449 §4.3 checks of a proof presented with a DPoP-bound access token (§7.1). */
export async function verifyDpopProof(
  check: DpopCheck,
  redis: Redis,
  prefix: string,
  nonces?: DpopNonces,
): Promise<void> {
  let payload: Record<string, unknown>;
  let jwk: JWK;
  try {
    const result = await jwtVerify(check.proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGS });
    payload = result.payload;
    jwk = result.protectedHeader.jwk as JWK;
  } catch (err) {
    throw new DpopProofError('invalid_dpop_proof', `DPoP proof rejected: ${(err as Error).message}`);
  }
  if ('d' in jwk) throw new DpopProofError('invalid_dpop_proof', 'DPoP proof jwk must be a public key');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) {
    throw new DpopProofError('invalid_dpop_proof', 'DPoP proof jti is missing');
  }
  if (payload.htm !== check.method)
    throw new DpopProofError('invalid_dpop_proof', 'DPoP proof htm does not match the request method');
  if (!sameUrl(payload.htu, check.url))
    throw new DpopProofError('invalid_dpop_proof', 'DPoP proof htu does not match the request URL');
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > IAT_WINDOW_SECONDS) {
    throw new DpopProofError('invalid_dpop_proof', 'DPoP proof iat is outside the accepted window');
  }
  const ath = createHash('sha256').update(check.accessToken).digest('base64url');
  if (payload.ath !== ath)
    throw new DpopProofError('invalid_dpop_proof', 'DPoP proof ath does not match the access token');
  if ((await calculateJwkThumbprint(jwk, 'sha256')) !== check.jkt) {
    throw new DpopProofError(
      'invalid_dpop_proof',
      'DPoP proof key does not match the token binding (cnf.jkt)',
    );
  }
  if (nonces && !(await nonces.isValid(payload.nonce))) {
    throw new DpopProofError('use_dpop_nonce', 'Resource server requires nonce in DPoP proof');
  }
  // §11.1: a proof is single-use; remember its jti for as long as its iat is acceptable.
  const jtiKey = `${prefix}my-account:dpop-jti:${createHash('sha256').update(`${check.jkt}:${payload.jti}`).digest('base64url')}`;
  const fresh = await redis.set(jtiKey, '1', 'EX', IAT_WINDOW_SECONDS * 2, 'NX');
  if (fresh !== 'OK') throw new DpopProofError('invalid_dpop_proof', 'DPoP proof jti has already been used');
}
