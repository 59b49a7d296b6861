import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import * as oidcRandom from 'node:crypto';
import type { OidcConfig, SessionConfig, StepUpConfig } from '../config/config.schema.js';
import { OIDC_CONFIG, SESSION_CONFIG, STEP_UP_CONFIG } from '../config/config.tokens.js';
import { OidcClient } from '../oidc/oidc.client.js';
import { LoginTransactionStore } from '../session/login-transaction.store.js';
import { ensureBinding, hashBinding } from './browser-binding.js';
import { parseLoginQuery } from './login-params.js';

const random = () => oidcRandom.randomBytes(32).toString('base64url');

/** `GET /auth/login`: a login transaction in Redis (keyed by state), then the authorization URL. */
@Injectable()
export class LoginService {
  constructor(
    private readonly oidc: OidcClient,
    private readonly transactions: LoginTransactionStore,
    @Inject(OIDC_CONFIG) private readonly oidcConfig: OidcConfig,
    @Inject(SESSION_CONFIG) private readonly sessionConfig: SessionConfig,
    @Inject(STEP_UP_CONFIG) private readonly stepUp: StepUpConfig,
  ) {}

  /** Returns the URL to redirect to; sets the browser-binding cookie. */
  async start(req: Request, res: Response): Promise<string> {
    const params = parseLoginQuery(req.query as Record<string, unknown>, this.oidcConfig, this.stepUp);
    const state = random();
    const nonce = random();
    const codeVerifier = random();
    const url = await this.oidc.buildLoginUrl({ state, nonce, codeVerifier, ...params });
    const ttl = this.oidcConfig.loginTransactionTtlSeconds;
    const binding = ensureBinding(req, res, this.sessionConfig.transactionCookieName, ttl);
    await this.transactions.save(
      state,
      {
        codeVerifier,
        nonce,
        returnTo: params.returnTo,
        binding: hashBinding(binding),
        maxAge: params.maxAge,
        acrValues: params.acrValues,
        createdAt: Date.now(),
      },
      ttl,
    );
    return url.href;
  }
}
