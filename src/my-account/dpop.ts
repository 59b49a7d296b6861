import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { parseWwwAuthenticate } from '../step-up/www-authenticate.js';

/** ES256, as Auth0 documents for DPoP (DP-12); the only algorithm the BFF signs proofs with. */
export const DPOP_ALG = 'ES256';

/** What one proof is for (RFC 9449 §4.2). */
export interface DpopProofRequest {
  /** HTTP method of the upstream request. */
  readonly htm: string;
  /** The upstream URL actually called (DP-4); query and fragment are removed here. */
  readonly htu: string;
  /** The nonce the upstream last sent in `DPoP-Nonce` (RFC 9449 §8/§9). */
  readonly nonce?: string;
}

/** Signs a fresh proof for one attempt; the upstream client calls it again for the nonce retry (DP-6). */
export type DpopProofFactory = (request: DpopProofRequest) => Promise<string>;

/** `htu`: the target URI without query and fragment (RFC 9449 §4.2, DP-2). */
export function buildHtu(url: string | URL): string {
  const target = new URL(url);
  return `${target.origin}${target.pathname}`;
}

/** `ath`: base64url SHA-256 of the ASCII access token (RFC 9449 §4.2, DP-3). */
export const accessTokenHash = (accessToken: string): string =>
  createHash('sha256').update(accessToken, 'ascii').digest('base64url');

const publicPart = ({ kty, crv, x, y }: JWK): JWK => ({ kty, crv, x, y });

/**
 * One session's DPoP key pair (ES256). The session layer keeps `exportPrivateJwk()` encrypted at rest
 * (docs/architecture.md#the-redis-keyspace, DP-11) and rebuilds the key with `fromPrivateJwk`. The private
 * key never leaves this object otherwise; proofs embed only the public members (DP-1).
 */
export class DpopKey {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly publicJwk: Readonly<JWK>,
  ) {}

  static async generate(): Promise<DpopKey> {
    const { privateKey, publicKey } = await generateKeyPair(DPOP_ALG, { extractable: true });
    return new DpopKey(privateKey, publicPart(await exportJWK(publicKey)));
  }

  /** Rebuilds a key from its stored private JWK; refuses anything but a P-256 private key. */
  static async fromPrivateJwk(jwk: JWK): Promise<DpopKey> {
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y) {
      throw new Error('A DPoP key must be a P-256 private JWK');
    }
    const privateKey = (await importJWK({ ...jwk, alg: DPOP_ALG }, DPOP_ALG, {
      extractable: true,
    })) as CryptoKey;
    return new DpopKey(privateKey, publicPart(jwk));
  }

  /** The private JWK, for encrypted storage only. */
  async exportPrivateJwk(): Promise<JWK> {
    const { kty, crv, x, y, d } = await exportJWK(this.privateKey);
    return { kty, crv, x, y, d };
  }

  /** RFC 7638 thumbprint: the `cnf.jkt` of tokens bound to this key (RFC 9449 §6.1). */
  thumbprint(): Promise<string> {
    return calculateJwkThumbprint(this.publicJwk, 'sha256');
  }

  /** A proof JWT for one request (RFC 9449 §4.2); `ath` when an access token accompanies it (§7). */
  proof(request: DpopProofRequest & { accessToken?: string; now?: number }): Promise<string> {
    const claims: Record<string, string | number> = {
      jti: randomBytes(16).toString('base64url'), // 128 bits (DP-2 asks ≥ 96)
      htm: request.htm,
      htu: buildHtu(request.htu),
      iat: request.now ?? Math.floor(Date.now() / 1000),
    };
    if (request.accessToken !== undefined) claims.ath = accessTokenHash(request.accessToken);
    if (request.nonce !== undefined) claims.nonce = request.nonce;
    return new SignJWT(claims)
      .setProtectedHeader({ typ: 'dpop+jwt', alg: DPOP_ALG, jwk: this.publicJwk })
      .sign(this.privateKey);
  }

  /** The factory the upstream client takes: proofs for this access token, a new `jti` each call. */
  proofFactory(accessToken: string): DpopProofFactory {
    return (request) => this.proof({ ...request, accessToken });
  }
}

/** RFC 9449 §8.1: `nonce = 1*NQCHAR` (visible ASCII except `"` and `\`). */
const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]{1,512}$/;

/** The `DPoP-Nonce` response header, when it is a valid nonce. */
export function readDpopNonce(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && NONCE.test(value) ? value : undefined;
}

/** A resource server's "retry with this nonce": 401 + `WWW-Authenticate: DPoP error="use_dpop_nonce"` (§9). */
export function isDpopNonceChallenge(
  status: number,
  wwwAuthenticate: string | string[] | undefined,
): boolean {
  if (status !== 401) return false;
  return parseWwwAuthenticate(wwwAuthenticate).some(
    (challenge) => challenge.scheme === 'dpop' && challenge.params.error === 'use_dpop_nonce',
  );
}
