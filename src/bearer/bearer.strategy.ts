import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request, RequestHandler, Response } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { OidcConfig } from '../config/config.schema.js';
import { OIDC_CONFIG } from '../config/config.tokens.js';
import { BffError } from '../http/bff-error.js';
import type { BearerCaller } from './bearer-caller.js';
import { toBearerCaller } from './bearer-claims.js';
import { InvalidBearerToken } from './bearer-errors.js';
import { BEARER_ALGORITHMS, BearerKeys } from './bearer-keys.js';

const STRATEGY = 'my-account-bearer';
/** Clock skew tolerated on `exp`/`nbf` (issuer and BFF clocks differ slightly). */
const CLOCK_TOLERANCE_SECONDS = 30;
const fromHeader = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * passport-jwt for bearer callers (docs/architecture.md#the-http-surface): jsonwebtoken checks the signature
 * with the issuer's key (BearerKeys), the alg allow-list, `iss` (the configured issuer), `aud` (the My
 * Account audience) and `exp`; `validate` adds the user-token checks. Each app gets its own Passport
 * instance, so two BFFs in one process (tests) never share a strategy registered under one global name.
 */
type Authenticator = passport.Authenticator;
const PASSPORTS = new WeakMap<object, Authenticator>();

@Injectable()
export class MyAccountBearerStrategy extends PassportStrategy(Strategy, STRATEGY) {
  constructor(@Inject(OIDC_CONFIG) config: OidcConfig, keys: BearerKeys) {
    super({
      jwtFromRequest: fromHeader,
      // jsonwebtoken takes a KeyObject at runtime; the types only list string | Buffer.
      secretOrKeyProvider: (
        _req: unknown,
        token: string,
        done: (err: unknown, key?: string | Buffer) => void,
      ) => {
        keys.keyFor(token).then((key) => done(null, key as unknown as Buffer), done);
      },
      issuer: config.issuer,
      audience: config.audience,
      algorithms: [...BEARER_ALGORITHMS],
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS },
      passReqToCallback: true,
    });
  }

  /** The mixin's constructor registers the strategy here: a Passport of this strategy's own. */
  getPassportInstance(): Authenticator {
    const own = new passport.Passport();
    PASSPORTS.set(this, own);
    return own;
  }

  validate(req: Request, payload: Record<string, unknown>): BearerCaller {
    return toBearerCaller(fromHeader(req) as string, payload);
  }

  /** Runs the strategy on one request: the caller, or a BffError (401 invalid_token, 503 for a JWKS outage). */
  authenticateRequest(req: Request, res: Response): Promise<BearerCaller> {
    const own = PASSPORTS.get(this) as Authenticator;
    return new Promise((resolve, reject) => {
      const callback = (err: unknown, caller: BearerCaller | false, info: unknown) => {
        if (err || !caller) reject(toBffError(err ?? info));
        else resolve(caller);
      };
      const handler = own.authenticate(STRATEGY, { session: false }, callback) as RequestHandler;
      handler(req, res, reject);
    });
  }
}

/** jsonwebtoken's errors name the failed check; the detail says which, without echoing the token. */
function toBffError(err: unknown): BffError {
  if (err instanceof BffError) return err;
  const name = (err as { name?: string } | undefined)?.name;
  const message = String((err as { message?: string } | undefined)?.message ?? '');
  if (name === 'TokenExpiredError') return new InvalidBearerToken('The access token has expired.', err);
  if (name === 'NotBeforeError') return new InvalidBearerToken('The access token is not valid yet.', err);
  if (/audience/.test(message))
    return new InvalidBearerToken('The access token is not for the My Account API (aud).', err);
  if (/issuer/.test(message))
    return new InvalidBearerToken('The access token has another issuer (iss).', err);
  if (/signature/.test(message)) return new InvalidBearerToken('The access token signature is invalid.', err);
  if (/algorithm/.test(message))
    return new InvalidBearerToken('The access token algorithm is not allowed.', err);
  return new InvalidBearerToken('The access token is invalid.', err);
}
