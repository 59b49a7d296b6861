import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/**
 * The per-session DPoP key (RFC 9449, docs/architecture.md#the-my-account-proxy): ES256, generated at login
 * so the tokens are bound from the first code exchange; kept as a private JWK inside the encrypted token
 * record (DP-11).
 */
export async function generateDpopKey(): Promise<{ keyPair: CryptoKeyPair; privateJwk: JWK }> {
  const keyPair = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y, d } = await exportJWK(keyPair.privateKey);
  return { keyPair, privateJwk: { kty, crv, x, y, d } };
}

/** Rebuilds the key pair from the stored private JWK (P-256 only). */
export async function importDpopKey(privateJwk: JWK): Promise<CryptoKeyPair> {
  const { kty, crv, x, y, d } = privateJwk;
  if (kty !== 'EC' || crv !== 'P-256' || !x || !y || !d)
    throw new Error('A DPoP key must be a P-256 private JWK');
  const privateKey = (await importJWK({ kty, crv, x, y, d }, 'ES256')) as CryptoKey;
  const publicKey = (await importJWK({ kty, crv, x, y }, 'ES256')) as CryptoKey;
  return { privateKey, publicKey };
}
