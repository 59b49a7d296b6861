import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { OidcConfig, SessionConfig } from '../config/config.schema.js';
import { OIDC_CONFIG, SESSION_CONFIG } from '../config/config.tokens.js';
import { ensureBinding, hashBinding, isBoundTo } from '../auth/browser-binding.js';
import { InvalidRequest } from '../http/bff-error.js';
import { EmbeddedGrantRefused, EmbeddedGrants, WEBAUTHN_GRANT } from '../oidc/embedded-grants.js';
import { EMBEDDED_LOGIN_OPTIONS, type EmbeddedLoginOptions } from './embedded-login.options.js';
import { EmbeddedLoginRejected, EmbeddedLoginUnavailable } from './embedded-login-errors.js';
import { EmbeddedLogin } from './embedded-login.service.js';
import { assertEmptyBody, parsePasskeyLogin } from './login-bodies.js';
import { PasskeyLoginStore } from './passkey-login.store.js';

/** What the page gets to call `navigator.credentials.get()`: request options and an opaque handle. */
export interface PasskeyChallengeResponse {
  handle: string;
  authn_params_public_key: { challenge: string; timeout?: number; rpId?: string; userVerification?: string };
}

/** Auth0 keeps an `auth_session` 5 minutes; ours never outlives it. */
const PENDING_TTL_SECONDS = 300;

/**
 * Embedded passkey login (Auth0 native passkeys, my-account-api.md §9.7): `/passkey/challenge` with the
 * BFF's client credentials, then the webauthn grant with the browser's assertion. The `auth_session`
 * stays in Redis, bound to the browser by the login-transaction cookie (CSRF-6: login CSRF).
 */
@Injectable()
export class PasskeyLogin {
  constructor(
    private readonly grants: EmbeddedGrants,
    private readonly store: PasskeyLoginStore,
    private readonly embedded: EmbeddedLogin,
    @Inject(SESSION_CONFIG) private readonly sessionConfig: SessionConfig,
    @Inject(OIDC_CONFIG) private readonly oidc: OidcConfig,
    @Inject(EMBEDDED_LOGIN_OPTIONS) private readonly options: EmbeddedLoginOptions,
  ) {}

  async challenge(req: Request, res: Response): Promise<PasskeyChallengeResponse> {
    assertEmptyBody(req.body);
    let started;
    try {
      started = await this.grants.passkeyChallenge(this.options.realm);
    } catch (err) {
      throw err instanceof EmbeddedGrantRefused ? new EmbeddedLoginUnavailable(err) : err;
    }
    const cookie = this.sessionConfig.transactionCookieName;
    const binding = ensureBinding(req, res, cookie, this.oidc.loginTransactionTtlSeconds);
    const pending = {
      authSession: started.authSession,
      binding: hashBinding(binding),
      createdAt: Date.now(),
    };
    const handle = await this.store.save(pending, PENDING_TTL_SECONDS);
    return { handle, authn_params_public_key: started.publicKey };
  }

  async finish(req: Request, body: unknown): Promise<void> {
    const { handle, authn_response: assertion } = parsePasskeyLogin(body);
    const pending = await this.store.take(handle);
    if (!pending)
      throw new InvalidRequest('This passkey challenge has expired or was already used. Start again.');
    if (!isBoundTo(req, this.sessionConfig.transactionCookieName, pending.binding))
      throw new InvalidRequest('This passkey challenge was started in another browser. Start again.');
    const params: Record<string, string> = {
      auth_session: pending.authSession,
      authn_response: JSON.stringify(assertion),
    };
    if (this.options.realm) params.realm = this.options.realm;
    await this.embedded.login(req, 'passkey', { type: WEBAUTHN_GRANT, params }, (refusal) =>
      refusal.error === 'invalid_grant' || refusal.error === 'invalid_request'
        ? new EmbeddedLoginRejected('The passkey could not be verified.', refusal)
        : undefined,
    );
  }
}
