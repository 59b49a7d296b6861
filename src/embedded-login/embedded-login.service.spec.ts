import { jest } from '@jest/globals';
import type { Request } from 'express';
import type { MyAccountConfig, OidcConfig } from '../config/config.schema.js';
import { BffError, IdpUnavailable } from '../http/bff-error.js';
import type { AuditLog } from '../logging/audit-log.js';
import {
  EmbeddedGrantInvalidResponse,
  EmbeddedGrantRefused,
  type EmbeddedGrants,
} from '../oidc/embedded-grants.js';
import { EmbeddedLoginRejected } from './embedded-login-errors.js';
import { EmbeddedLogin, type RefusalMapper } from './embedded-login.service.js';
import type { EmbeddedSession } from './embedded-session.js';

/** The grant adapter is the network seam: it fails the way the identity provider can. */
function build(failure: unknown) {
  const exchange = jest.fn(async () => {
    throw failure;
  });
  const establish = jest.fn(async () => undefined);
  const record = jest.fn();
  const login = new EmbeddedLogin(
    { exchange } as unknown as EmbeddedGrants,
    { establish } as unknown as EmbeddedSession,
    { record } as unknown as AuditLog,
    { audience: 'https://tenant/me/', scopes: ['openid', 'offline_access'] } as unknown as OidcConfig,
    { tokenType: 'bearer' } as MyAccountConfig,
  );
  return { login, exchange, establish, record };
}

async function failureOf(failure: unknown, mapRefusal: RefusalMapper = () => undefined): Promise<BffError> {
  const { login, establish, record } = build(failure);
  const grant = { type: 'grant', params: { username: 'u', password: 'secret-value' } };
  const err = await login.login({} as Request, 'password', grant, mapRefusal).catch((e: unknown) => e);
  expect(establish).not.toHaveBeenCalled();
  expect(record).toHaveBeenCalledWith('login_failed', expect.objectContaining({ method: 'password' }));
  expect(JSON.stringify(record.mock.calls)).not.toContain('secret-value');
  expect(err).toBeInstanceOf(BffError);
  return err as BffError;
}

describe('EmbeddedLogin: what each identity-provider answer becomes', () => {
  it('sends the audience and the configured scopes with the grant', async () => {
    const { login, exchange } = build(new EmbeddedGrantRefused('invalid_grant', 403));
    await login
      .login({} as Request, 'passkey', { type: 'g', params: { a: '1' } }, () => undefined)
      .catch(() => {});
    expect(exchange).toHaveBeenCalledWith(
      'g',
      { a: '1', audience: 'https://tenant/me/', scope: 'openid offline_access' },
      undefined,
    );
  });

  it.each([
    ['invalid_grant', 403, 401, 'login_required'],
    ['access_denied', 403, 401, 'login_required'],
    ['too_many_attempts', 429, 429, 'rate_limited'],
    ['slow_down', 429, 429, 'rate_limited'],
    ['unauthorized_client', 400, 502, 'idp_unavailable'],
    ['invalid_client', 401, 502, 'idp_unavailable'],
  ])('%s (%i) → %i %s', async (error, status, expected, code) => {
    const err = await failureOf(new EmbeddedGrantRefused(error, status));
    expect([err.status, err.code]).toEqual([expected, code]);
  });

  it('a method-specific mapping wins over the defaults', async () => {
    const mapped = new EmbeddedLoginRejected('Wrong email or password.');
    expect(await failureOf(new EmbeddedGrantRefused('invalid_grant', 403), () => mapped)).toBe(mapped);
  });

  it('an answer that fails validation is a 502; an outage stays a 503; anything else a 502', async () => {
    expect((await failureOf(new EmbeddedGrantInvalidResponse('bad id token'))).status).toBe(502);
    expect((await failureOf(new IdpUnavailable())).status).toBe(503);
    expect((await failureOf(new Error('boom'))).status).toBe(502);
  });
});
