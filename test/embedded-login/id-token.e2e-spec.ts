import type { JWTPayload } from 'jose';
import type { ProblemBody, SessionInfo } from '../../src/public-api.types.js';
import { CookieClient } from '../support/cookie-client.js';
import { createTokenTamper, type TokenTamper, unsignedJwt } from '../support/token-tamper.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_USER } from '../support/seed-users.js';

let tamper: TokenTamper;
const stackOptions = async (): Promise<TestStackOptions> => {
  tamper = await createTokenTamper();
  return {
    bff: {
      oidcFetch: tamper.fetch,
      configure: (c) => {
        c.auth.passwordLogin.enabled = true;
      },
    },
  };
};

/**
 * Embedded logins validate the grant's ID token like the callback does: tokens rewritten at the BFF's
 * network seam (re-signed with a key the BFF trusts, or not) never become a session.
 */
describeWithStack('embedded login: ID token validation and outages', stackOptions, (stack) => {
  afterEach(() => {
    tamper.rewrite = undefined;
    tamper.tokenEndpointDown = false;
  });

  const headers = () => ({ 'x-csrf': '1', origin: stack.bff.url, 'content-type': 'application/json' });
  async function passwordLogin() {
    const client = new CookieClient();
    const res = await client.post(`${stack.bff.url}/api/login/password`, {
      headers: headers(),
      json: DEMO_USER,
    });
    const session = await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } });
    return { res, session };
  }

  it('accepts an ID token re-signed with a trusted key (the control case)', async () => {
    tamper.rewrite = ({ claims }) => tamper.sign(claims);
    const { res, session } = await passwordLogin();
    expect(res.status).toBe(200);
    expect(session.json<SessionInfo>().user.email).toBe(DEMO_USER.username);
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each<[string, (c: JWTPayload, raw: string) => Promise<string> | string]>([
    ['a wrong iss', (c) => tamper.sign({ ...c, iss: 'http://evil.example/' })],
    ['a wrong aud', (c) => tamper.sign({ ...c, aud: 'someone-else' })],
    ['an expired exp', (c) => tamper.sign({ ...c, iat: now() - 7200, exp: now() - 3600 })],
    ['no sub', (c) => tamper.sign({ ...c, sub: undefined })],
    ['alg none', (c) => unsignedJwt(c)],
    ['a signature by an unknown key', (c) => tamper.signWithUnknownKey(c)],
    [
      'a changed claim under the original signature',
      (c, raw) => {
        const [header, , signature] = raw.split('.');
        return `${header}.${Buffer.from(JSON.stringify({ ...c, sub: 'someone-else' })).toString('base64url')}.${signature}`;
      },
    ],
  ])('refuses %s: 502 problem, no session', async (_what, forge) => {
    tamper.rewrite = ({ claims, raw }) => forge(claims, raw);
    const { res, session } = await passwordLogin();
    expect(res.status).toBe(502);
    expect(res.json<ProblemBody>()).toMatchObject({ code: 'idp_unavailable' });
    expect(session.status).toBe(401);
  });

  it('answers 503 idp_unavailable with Retry-After when the token endpoint is unreachable', async () => {
    tamper.tokenEndpointDown = true;
    const { res, session } = await passwordLogin();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.json<ProblemBody>().code).toBe('idp_unavailable');
    expect(session.status).toBe(401);
  });

  it('answers 503 for a passkey challenge when the tenant is down', async () => {
    await stack.tenant.close();
    const res = await fetch(`${stack.bff.url}/api/login/passkey/challenge`, {
      method: 'POST',
      headers: headers(),
      body: '{}',
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as ProblemBody).code).toBe('idp_unavailable');
  });
});
