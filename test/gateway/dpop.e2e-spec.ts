import { jest } from '@jest/globals';
import { decodeJwt } from 'jose';
import { SessionService } from '../../src/session/session.service.js';
import { totpNow } from '../support/tenant-login.js';
import { expectNoTokenIn, GatewayStack, userNamed } from './support/gateway-stack.js';

jest.setTimeout(60_000);

/**
 * `myAccount.tokenType: dpop` through the proxy against a tenant that requires DPoP with resource-server
 * nonces (RFC 9449 §9): the session's own key signs every proof, the one `use_dpop_nonce` retry is
 * invisible to the browser, and a refreshed token keeps working.
 */
describe('Proxy with DPoP-bound session tokens', () => {
  const user = userNamed('dpop-user');
  let stack: GatewayStack;
  const enc = encodeURIComponent;

  beforeAll(async () => {
    stack = await GatewayStack.start({
      users: [user],
      direct: true,
      configureTenant: (config) => {
        config.my_account_api = { ...config.my_account_api, dpop: 'required', dpop_nonce: true };
      },
      configure: (config) => {
        config.myAccount = { ...config.myAccount, tokenType: 'dpop' };
      },
    });
  });
  afterAll(async () => {
    expectNoTokenIn(stack.responses, stack.tamper.issued);
    await stack?.close();
  });

  it('reads, enrolls and deletes with DPoP proofs from the session key, nonce retries included', async () => {
    const client = await stack.signIn(user, { mfa: true });
    const stored = (await stack.bff.app.get(SessionService).readTokens(stack.sessionId(client)))!.tokens;
    expect(stored.tokenType).toBe('dpop');
    expect(decodeJwt(stored.accessToken).cnf).toBeDefined();

    const list = await client.api(stack.url, 'GET', '/authentication-methods');
    expect(list.status).toBe(200);
    expect(list.headers.get('dpop-nonce')).toBeNull();
    const started = await client.api(stack.url, 'POST', '/authentication-methods', { type: 'totp' });
    expect(started.status).toBe(202);
    const { id, auth_session, manual_input_code } = started.json<Record<string, string>>();
    const verified = await client.api(stack.url, 'POST', `/authentication-methods/${enc(id)}/verify`, {
      auth_session,
      otp_code: totpNow(manual_input_code),
    });
    expect(verified.status).toBe(201);
    expect((await client.api(stack.url, 'DELETE', `/authentication-methods/${enc(id)}`)).status).toBe(204);
  });

  it('keeps working after a refresh (the new token is bound to the same session key)', async () => {
    const client = await stack.signIn(user);
    const old = await stack.expireAccessToken(client);
    const res = await client.api(stack.url, 'GET', '/authentication-methods');
    expect(res.status).toBe(200);
    const now = (await stack.bff.app.get(SessionService).readTokens(stack.sessionId(client)))!.tokens;
    expect(now.accessToken).not.toBe(old.accessToken);
    expect(decodeJwt(now.accessToken).cnf).toEqual(decodeJwt(old.accessToken).cnf);
  });
});
