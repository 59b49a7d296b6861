import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import type { OidcFetch } from '../../src/oidc/oidc-fetch.js';

/**
 * A fetch for the BFF's calls to the tenant (its network seam) that lets a test see and rewrite token
 * responses: the ID token is re-signed with a key the test controls, published next to the tenant's in
 * the JWKS the BFF fetches. Also records every token the tenant issued (to look for them in Redis).
 */
export interface TokenTamper {
  fetch: OidcFetch;
  /** The next token responses' ID tokens pass through this (undefined: untouched). */
  rewrite:
    | ((token: {
        header: Record<string, unknown>;
        claims: JWTPayload;
        raw: string;
      }) => Promise<string | undefined> | string | undefined)
    | undefined;
  /** While true, calls to the token endpoint fail as if the tenant were unreachable. */
  tokenEndpointDown: boolean;
  /** Requests made to the token endpoint so far (answered or not). */
  readonly tokenRequests: number;
  /** Every access/refresh/ID token the tenant issued so far. */
  readonly issued: string[];
  /** Signs with the test key (kid `test-key`, RS256), which the BFF trusts through the JWKS. */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** Signs with a key nobody published. */
  signWithUnknownKey(claims: JWTPayload): Promise<string>;
  readonly publicJwk: JWK;
}

export async function createTokenTamper(): Promise<TokenTamper> {
  const trusted = await generateKeyPair('RS256', { extractable: true });
  const untrusted = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(trusted.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const issued: string[] = [];
  const sign = (claims: JWTPayload, header: Record<string, unknown> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key', ...header })
      .sign(trusted.privateKey);

  let tokenRequests = 0;
  const tamper: TokenTamper = {
    get tokenRequests() {
      return tokenRequests;
    },
    issued,
    publicJwk,
    rewrite: undefined,
    tokenEndpointDown: false,
    sign,
    signWithUnknownKey: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(untrusted.privateKey),
    fetch: async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (/\/oauth\/token$/.test(url)) tokenRequests += 1;
      if (tamper.tokenEndpointDown && /\/oauth\/token$/.test(url))
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
      const response = await globalThis.fetch(input, init);
      if (/\/\.well-known\/jwks\.json$/.test(url) && response.ok) {
        const jwks = (await response.json()) as { keys: JWK[] };
        return Response.json({ keys: [...jwks.keys, publicJwk] }, { status: 200 });
      }
      if (!/\/oauth\/token$/.test(url) || !response.ok) return response;
      const body = (await response.json()) as Record<string, unknown>;
      for (const name of ['access_token', 'refresh_token', 'id_token']) {
        if (typeof body[name] === 'string') issued.push(body[name]);
      }
      if (tamper.rewrite && typeof body.id_token === 'string') {
        const replaced = await tamper.rewrite({
          header: decodeProtectedHeader(body.id_token),
          claims: decodeJwt(body.id_token),
          raw: body.id_token,
        });
        if (replaced !== undefined) body.id_token = replaced;
      }
      return Response.json(body, { status: response.status, headers: { 'cache-control': 'no-store' } });
    },
  };
  return tamper;
}

/** An unsigned JWT (`alg: none`). */
export function unsignedJwt(claims: JWTPayload): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
