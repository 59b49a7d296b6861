import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Redis } from 'ioredis';

export interface TenantKeys {
  /** Private signing keys (oidc-provider's `jwks` option). Never served. */
  readonly privateJwks: { keys: JWK[] };
  /** What `/.well-known/jwks.json` serves. */
  readonly publicJwks: { keys: JWK[] };
}

const PUBLIC_MEMBERS = ['kty', 'kid', 'use', 'alg', 'n', 'e', 'crv', 'x', 'y'] as const;

function toPublic(jwk: JWK): JWK {
  const out: JWK = {};
  for (const member of PUBLIC_MEMBERS)
    if (jwk[member] !== undefined) (out as Record<string, unknown>)[member] = jwk[member];
  return out;
}

/**
 * The tenant's RS256 signing key, made once and kept in Redis (`<prefix>signing-keys`) so a restart keeps
 * issued tokens valid. Concurrent first boots agree on one key (SET NX).
 */
export async function loadSigningKeys(redis: Redis, prefix: string): Promise<TenantKeys> {
  const key = `${prefix}signing-keys`;
  let raw = await redis.get(key);
  if (!raw) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const jwk = await exportJWK(privateKey);
    const kid = `dev-${Date.now().toString(36)}`;
    await redis.set(key, JSON.stringify({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] }), 'NX');
    raw = await redis.get(key);
  }
  if (raw === null) throw new Error(`${key} is missing right after it was written`);
  const privateJwks = JSON.parse(raw) as { keys: JWK[] };
  return { privateJwks, publicJwks: { keys: privateJwks.keys.map(toPublic) } };
}
