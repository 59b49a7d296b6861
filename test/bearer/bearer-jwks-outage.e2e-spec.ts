import type { OidcFetch } from '../../src/oidc/oidc-fetch.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_USER } from '../support/seed-users.js';

const BASIC = `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`;

let jwksDown = true;
const stackOptions = async (): Promise<TestStackOptions> => {
  const oidcFetch: OidcFetch = (url, init) => {
    if (jwksDown && String(url).endsWith('/jwks.json')) return Promise.reject(new TypeError('fetch failed'));
    return fetch(url, init);
  };
  return { bff: { oidcFetch } };
};

/** The issuer's JWKS unreachable: bearer calls fail closed with 503 (not 401: the token may be fine), then recover. */
describeWithStack('bearer callers when the issuer JWKS cannot be fetched', stackOptions, (stack) => {
  it('answers 503 idp_unavailable while the JWKS is unreachable, and accepts the token once it is back', async () => {
    const res = await fetch(`${stack.tenant.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
      body: new URLSearchParams({
        grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
        ...DEMO_USER,
        realm: 'Username-Password-Authentication',
        audience: `${stack.tenant.issuer}me/`,
        scope: 'read:me:connected_accounts',
      }),
    });
    const token = ((await res.json()) as { access_token: string }).access_token;
    const call = () =>
      fetch(`${stack.bff.url}/api/me/v1/connected-accounts/accounts`, {
        headers: { authorization: `Bearer ${token}` },
      });

    const down = await call();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();
    expect(await down.json()).toMatchObject({ code: 'idp_unavailable' });

    jwksDown = false;
    expect((await call()).status).toBe(200);
  });
});
