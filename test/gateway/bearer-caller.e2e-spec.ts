import { jest } from '@jest/globals';
import { SessionService } from '../../src/session/session.service.js';
import { totpNow } from '../support/tenant-login.js';
import { expectNoTokenIn, GatewayStack, userNamed } from './support/gateway-stack.js';

jest.setTimeout(60_000);

const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
const BASIC = `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`;
const SCOPES =
  'read:me:authentication_methods create:me:authentication_methods delete:me:authentication_methods';

/**
 * The proxy's two kinds of caller (docs/architecture.md#the-http-surface): a server-rendered page with a
 * user's access token and no cookie (no CSRF header needed, no BFF step-up: the BFF cannot judge a token it
 * did not obtain), and a browser session, whose cookie wins over any Authorization header.
 */
describe('Proxy callers: bearer and session', () => {
  const user = userNamed('bearer-user');
  let stack: GatewayStack;
  let token: string;
  const enc = encodeURIComponent;
  const asBearer = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.url}/api/me/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await GatewayStack.start({ users: [user] });
    const res = await fetch(`${stack.tenant.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
      body: new URLSearchParams({
        grant_type: PASSWORD_REALM,
        username: user.email,
        password: user.password,
        realm: 'Username-Password-Authentication',
        audience: `${stack.tenant.issuer}me/`,
        scope: `openid ${SCOPES}`,
      }),
    });
    expect(res.status).toBe(200);
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    expectNoTokenIn(stack.responses, [...stack.tamper.issued, token]);
    await stack?.close();
  });

  it('a bearer caller reads and writes without X-CSRF; the upstream sees its own token', async () => {
    const list = await asBearer('GET', '/authentication-methods');
    expect(list.status).toBe(200);
    expect(stack.hop.seen.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
    const started = await asBearer('POST', '/authentication-methods', { type: 'totp' });
    expect(started.status).toBe(202);
    const { id, auth_session, manual_input_code } = (await started.json()) as Record<string, string>;
    const verified = await asBearer('POST', `/authentication-methods/${enc(id)}/verify`, {
      auth_session,
      otp_code: totpNow(manual_input_code),
    });
    expect(verified.status).toBe(201);
    // No BFF step-up for a token it did not obtain: the tenant decides, and it allows this one.
    expect((await asBearer('DELETE', `/authentication-methods/${enc(id)}`)).status).toBe(204);
  });

  it('a bearer caller still gets the route table, the scope check and JSON-only bodies', async () => {
    const before = stack.hop.seen.length;
    expect((await asBearer('GET', '/factors')).status).toBe(403); // read:me:factors not granted
    expect((await asBearer('GET', '/users')).status).toBe(404);
    const plain = await fetch(`${stack.url}/api/me/v1/authentication-methods`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: '{"type":"totp"}',
    });
    expect(plain.status).toBe(415);
    expect(stack.hop.seen.length).toBe(before);
  });

  it('with a session cookie the cookie wins: the browser-sent Authorization is dropped, CSRF applies', async () => {
    const client = await stack.signIn(user);
    const session = (await stack.bff.app.get(SessionService).readTokens(stack.sessionId(client)))!.tokens;
    const res = await client.api(stack.url, 'GET', '/authentication-methods', undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    expect(stack.hop.seen.at(-1)?.headers.authorization).toBe(`Bearer ${session.accessToken}`);
    const before = stack.hop.seen.length;
    const noCsrf = await fetch(`${stack.url}/api/me/v1/authentication-methods`, {
      headers: {
        cookie: `__Host-bff=${client.cookies(stack.url)['__Host-bff']}`,
        authorization: `Bearer ${token}`,
      },
    });
    expect(noCsrf.status).toBe(403);
    expect(stack.hop.seen.length).toBe(before);
  });
});
