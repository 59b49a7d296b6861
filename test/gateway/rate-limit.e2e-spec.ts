import { jest } from '@jest/globals';
import { totpNow } from '../support/tenant-login.js';
import type { ClientResponse } from '../support/cookie-client.js';
import {
  expectNoTokenIn,
  GatewayStack,
  userNamed,
  type GatewayUser,
  type RecordingClient,
} from './support/gateway-stack.js';

jest.setTimeout(90_000);

const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
const BASIC = `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`;
const SCOPES = 'read:me:authentication_methods create:me:authentication_methods';
const WRONG_CODE = '000000';
const enc = encodeURIComponent;

/** The 429 the proxy answers once a policy's budget is spent (RFC 6585 §4), with a sane Retry-After. */
function expectRateLimited(res: { status: number; headers: Headers; body: string }, windowSeconds: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(res.body)).toMatchObject({ status: 429, code: 'rate_limited' });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

/** A plain `fetch` answer in the shape `expectRateLimited` reads. */
async function asRecorded(res: Response) {
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/**
 * Rate limits on the My Account proxy (BCP-22; docs/architecture.md#the-my-account-proxy): `verify` (code
 * guessing) and other writes are counted per session (a bearer caller per user) in Redis, shared by every BFF
 * instance; a call over budget is a 429 that never reaches the upstream. Reads are not counted by these
 * policies.
 */
describe('ANY /api/me/v1/{path}: rate limits', () => {
  const verifier = userNamed('rl-verifier');
  const spread = userNamed('rl-spread');
  const writer = userNamed('rl-writer');
  const bearerA = userNamed('rl-bearer-a');
  const bearerB = userNamed('rl-bearer-b');
  const issued: string[] = [];
  let stack: GatewayStack;

  beforeAll(async () => {
    stack = await GatewayStack.start({
      users: [verifier, spread, writer, bearerA, bearerB],
      secondInstance: true,
      configure: (c) => {
        c.rateLimit = {
          'my-account-verify': { limit: 2, windowSeconds: 300 },
          'my-account-write': { limit: 3, windowSeconds: 60 },
        };
      },
    });
  });
  afterAll(async () => {
    expectNoTokenIn(stack.responses, [...stack.tamper.issued, ...issued]);
    await stack?.close();
  });

  /** Starts a TOTP enrollment as `client` on `url`; answers what `verify` needs. */
  async function startTotp(client: RecordingClient, url = stack.url) {
    const started = await client.api(url, 'POST', '/authentication-methods', { type: 'totp' });
    expect(started.status).toBe(202);
    return started.json<{ id: string; auth_session: string; manual_input_code: string }>();
  }

  const verify = (client: RecordingClient, url: string, id: string, body: Record<string, string>) =>
    client.api(url, 'POST', `/authentication-methods/${enc(id)}/verify`, body);

  /** The upstream's own refusal of a wrong code: passed through, not a BFF problem. */
  const expectUpstreamRefusal = (res: ClientResponse) => {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  };

  it('wrong-code verifies stop at the limit with 429; the upstream sees none of the refused ones', async () => {
    const client = await stack.signIn(verifier, { mfa: true });
    const { id, auth_session, manual_input_code } = await startTotp(client);
    const verifyCalls = () => stack.hop.calls(`/authentication-methods/${enc(id)}/verify`).length;

    for (let i = 0; i < 2; i++)
      expectUpstreamRefusal(await verify(client, stack.url, id, { auth_session, otp_code: WRONG_CODE }));
    expect(verifyCalls()).toBe(2);

    const before = stack.hop.seen.length;
    expectRateLimited(await verify(client, stack.url, id, { auth_session, otp_code: WRONG_CODE }), 300);
    // Even the right code now waits for the window: guessing must not be cheaper than waiting.
    const right = await verify(client, stack.url, id, { auth_session, otp_code: totpNow(manual_input_code) });
    expectRateLimited(right, 300);
    expect(stack.hop.seen.length).toBe(before);
    expect(verifyCalls()).toBe(2);
  });

  it('two BFF instances sharing Redis share one session budget', async () => {
    const client = await stack.signIn(spread, { mfa: true });
    const second = stack.second!.url;
    client.setCookie(second, '__Host-bff', client.cookies(stack.url)['__Host-bff']);
    const { id, auth_session } = await startTotp(client);
    const body = { auth_session, otp_code: WRONG_CODE };

    expectUpstreamRefusal(await verify(client, stack.url, id, body));
    expectUpstreamRefusal(await verify(client, second, id, body));
    const before = stack.hop.seen.length;
    expectRateLimited(await verify(client, stack.url, id, body), 300);
    expectRateLimited(await verify(client, second, id, body), 300);
    expect(stack.hop.seen.length).toBe(before);
  });

  it('other writes have their own budget; reads are not counted by these policies', async () => {
    const client = await stack.signIn(writer, { mfa: true });
    let enrollment: Awaited<ReturnType<typeof startTotp>> | undefined;
    for (let i = 0; i < 3; i++) enrollment = await startTotp(client); // 3 writes: the whole budget
    const before = stack.hop.seen.length;
    for (let i = 0; i < 2; i++)
      expectRateLimited(await client.api(stack.url, 'POST', '/authentication-methods', { type: 'totp' }), 60);
    const deleted = await client.api(stack.url, 'DELETE', `/authentication-methods/${enc(enrollment!.id)}`);
    expectRateLimited(deleted, 60);
    expect(stack.hop.seen.length).toBe(before);

    for (let i = 0; i < 8; i++)
      expect((await client.api(stack.url, 'GET', '/authentication-methods')).status).toBe(200);
    expect(stack.hop.seen.length).toBe(before + 8);

    // `verify` counts under its own policy, so the spent write budget does not block it.
    const { id, auth_session, manual_input_code } = enrollment!;
    const verified = await verify(client, stack.url, id, {
      auth_session,
      otp_code: totpNow(manual_input_code),
    });
    expect(verified.status).toBe(201);
  });

  /** A user's My Account token as a server-rendered page would hold it (no session cookie). */
  async function bearerToken(user: GatewayUser): Promise<string> {
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
    const token = ((await res.json()) as { access_token: string }).access_token;
    issued.push(token);
    return token;
  }

  const asBearer = (url: string, token: string, method: string, path: string, body?: unknown) =>
    fetch(`${url}/api/me/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('bearer callers are counted per user across instances, not per (shared) IP', async () => {
    const [a, b] = [await bearerToken(bearerA), await bearerToken(bearerB)];
    const startA = await asBearer(stack.url, a, 'POST', '/authentication-methods', { type: 'totp' });
    expect(startA.status).toBe(202);
    const { id, auth_session } = (await startA.json()) as Record<string, string>;
    const wrong = { auth_session, otp_code: WRONG_CODE };
    const path = `/authentication-methods/${enc(id)}/verify`;

    for (const url of [stack.url, stack.second!.url]) {
      const res = await asBearer(url, a, 'POST', path, wrong);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(429);
      await res.text();
    }
    const before = stack.hop.seen.length;
    expectRateLimited(await asRecorded(await asBearer(stack.second!.url, a, 'POST', path, wrong)), 300);
    expect(stack.hop.seen.length).toBe(before);

    // Another user from the same address still has the whole budget.
    const startB = await asBearer(stack.url, b, 'POST', '/authentication-methods', { type: 'totp' });
    expect(startB.status).toBe(202);
    const other = (await startB.json()) as Record<string, string>;
    const res = await asBearer(stack.url, b, 'POST', `/authentication-methods/${enc(other.id)}/verify`, {
      auth_session: other.auth_session,
      otp_code: WRONG_CODE,
    });
    expect(res.status).not.toBe(429);
    expect(res.status).toBeLessThan(500);
    await res.text();
    expect(stack.hop.seen.length).toBe(before + 2);
  });
});
