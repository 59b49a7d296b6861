import { calculateJwkThumbprint, decodeJwt, type JWK } from 'jose';
import { importDpopKey } from '../../src/oidc/dpop-keys.js';
import { OidcClient } from '../../src/oidc/oidc.client.js';
import { SessionService } from '../../src/session/session.service.js';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { createTokenTamper, type TokenTamper } from '../support/token-tamper.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';

/** The session id inside a signed `__Host-bff` cookie value (`s:<sid>.<signature>`). */
const sidOf = (cookie: string) => decodeURIComponent(cookie).slice(2).split('.')[0];

let tamper: TokenTamper;
const stackOptions = async (): Promise<TestStackOptions> => {
  tamper = await createTokenTamper();
  return {
    bff: {
      oidcFetch: tamper.fetch,
      configure: (c) => void (c.myAccount.tokenType = 'dpop'),
    },
  };
};

describeWithStack('login with myAccount.tokenType dpop', stackOptions, (stack) => {
  it('binds the tokens to a per-session key kept in the encrypted token record; a refresh keeps the binding', async () => {
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.bff.url)).status).toBe(302);
    const sid = sidOf(client.cookies(stack.bff.url)['__Host-bff']);
    const stored = await stack.bff.app.get(SessionService).readTokens(sid);
    expect(stored?.tokens.tokenType).toBe('dpop');
    const key = stored?.tokens.dpopKey as JWK;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256' });
    const jkt = await calculateJwkThumbprint({ kty: key.kty, crv: key.crv, x: key.x, y: key.y });
    expect((decodeJwt(stored?.tokens.accessToken as string).cnf as { jkt: string }).jkt).toBe(jkt);

    const refreshed = await stack.bff.app
      .get(OidcClient)
      .refresh(stored?.tokens.refreshToken as string, await importDpopKey(key));
    expect(refreshed.token_type.toLowerCase()).toBe('dpop');
    expect((decodeJwt(refreshed.access_token).cnf as { jkt: string }).jkt).toBe(jkt);

    const raw = stack.redis.client();
    try {
      expect(JSON.stringify(await raw.hgetall(`bff:{${sid}}:tokens`))).not.toContain(key.d as string);
    } finally {
      raw.disconnect();
    }
  });
});
