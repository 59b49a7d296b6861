import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Redis } from 'ioredis';
import type { ApiError } from '../http/api-error.js';
import { unauthorized, type AuthScheme } from './challenge.js';
import { DpopProofError, verifyDpopProof } from './dpop-proof.js';
import type { DpopNonces } from './dpop-nonce.js';

export interface Caller {
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
  readonly scheme: AuthScheme;
  /** `cnf.jkt` of a DPoP-bound token. */
  readonly jkt?: string;
}

export interface TokenCheckOptions {
  readonly publicJwks: { keys: JWK[] };
  readonly redis: Redis;
  readonly prefix: string;
  /** `allowed`: Bearer or DPoP; `required`: only DPoP-bound tokens. */
  readonly dpop: 'allowed' | 'required';
  readonly nonces?: DpopNonces;
}

export interface RequestTarget {
  /** The issuer of the host the request arrived on (`http://host:port/`). */
  readonly issuer: string;
  /** The My Account audience of that issuer. */
  readonly audience: string;
  /** Absolute request URL without query (DPoP `htu`). */
  readonly url: string;
}

const ACCEPTED_TYP = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

/** Verifies the access token of a request and, for DPoP-bound tokens, its proof (RFC 6750, RFC 9449). */
export class AccessTokenVerifier {
  private readonly jwks: ReturnType<typeof createLocalJWKSet>;

  constructor(private readonly options: TokenCheckOptions) {
    this.jwks = createLocalJWKSet(options.publicJwks);
  }

  private schemes(): AuthScheme[] {
    return this.options.dpop === 'required' ? ['DPoP'] : ['Bearer', 'DPoP'];
  }

  private fail(target: RequestTarget, scheme: AuthScheme, code: string, description: string): ApiError {
    return unauthorized(scheme === 'DPoP' ? ['DPoP'] : this.schemes(), target.audience, {
      code,
      description,
    });
  }

  async verify(req: IncomingMessage, target: RequestTarget): Promise<Caller> {
    const header = req.headers.authorization;
    if (!header) throw unauthorized(this.schemes(), target.audience);
    const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
    if (!match) throw this.fail(target, 'Bearer', 'invalid_request', 'Malformed Authorization header');
    const scheme: AuthScheme = match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2];
    const claims = await this.verifyJwt(token, target, scheme);
    const jkt = (claims.cnf as { jkt?: unknown } | undefined)?.jkt;
    if (typeof jkt === 'string') await this.checkBinding(req, target, scheme, token, jkt);
    else if (scheme === 'DPoP' || this.options.dpop === 'required') {
      throw this.fail(target, scheme, 'invalid_token', 'The access token is not DPoP-bound');
    }
    return {
      sub: claims.sub as string,
      clientId: String(claims.client_id ?? claims.azp ?? ''),
      scopes: new Set(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []),
      scheme,
      jkt: typeof jkt === 'string' ? jkt : undefined,
    };
  }

  private async verifyJwt(token: string, target: RequestTarget, scheme: AuthScheme): Promise<JWTPayload> {
    let claims: JWTPayload;
    try {
      const result = await jwtVerify(token, this.jwks, {
        issuer: target.issuer,
        audience: target.audience,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (result.protectedHeader.typ && !ACCEPTED_TYP.has(result.protectedHeader.typ.toLowerCase())) {
        throw new Error(`unexpected token type ${result.protectedHeader.typ}`);
      }
      claims = result.payload;
    } catch (err) {
      throw this.fail(
        target,
        scheme,
        'invalid_token',
        `The access token is invalid: ${(err as Error).message}`,
      );
    }
    // Auth0's My Account API has a fixed client-flow policy of deny_all: never a client-credentials token.
    const sub = String(claims.sub);
    if (
      claims.gty === 'client-credentials' ||
      sub.endsWith('@clients') ||
      sub === claims.client_id ||
      sub === claims.azp
    ) {
      throw this.fail(
        target,
        scheme,
        'invalid_token',
        'Client credentials tokens are not accepted by this API',
      );
    }
    return claims;
  }

  private async checkBinding(
    req: IncomingMessage,
    target: RequestTarget,
    scheme: AuthScheme,
    token: string,
    jkt: string,
  ): Promise<void> {
    // RFC 9449 §7.2: a DPoP-bound token must not be accepted under the Bearer scheme.
    if (scheme !== 'DPoP')
      throw this.fail(
        target,
        'DPoP',
        'invalid_token',
        'A DPoP-bound access token must be sent with the DPoP scheme',
      );
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || proof.includes(',')) {
      throw this.fail(target, 'DPoP', 'invalid_dpop_proof', 'Exactly one DPoP proof header is required');
    }
    try {
      await verifyDpopProof(
        { proof, method: req.method ?? 'GET', url: target.url, accessToken: token, jkt },
        this.options.redis,
        this.options.prefix,
        this.options.nonces,
      );
    } catch (err) {
      if (!(err instanceof DpopProofError)) throw err;
      const extra: Record<string, string> = {};
      if (this.options.nonces) extra['dpop-nonce'] = await this.options.nonces.current();
      throw unauthorized(['DPoP'], target.audience, { code: err.code, description: err.message }, extra);
    }
  }
}
