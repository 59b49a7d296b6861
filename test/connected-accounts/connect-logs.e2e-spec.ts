import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger.js';
import { MFA_ACR, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { closeTestStack } from '../support/stack.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';
import { DEMO_TOTP_SECRET, DEMO_USER } from '../support/seed-users.js';

/**
 * The access log of a whole connect flow (login with step-up, /auth/connect, the provider's consent,
 * /auth/connect/callback) holds none of the flow's one-time values: the login's code and state, the
 * connect ticket, the connect state and the `connect_code`.
 */
describe('connected-accounts logs', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let bff: TestBff;
  const lines: string[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    const port = await freePort();
    tenant = await startTestTenant({ redisUrl: redis.url, bffOrigin: `http://localhost:${port}` });
    const sink = new Writable({
      write: (chunk, _enc, done) => void (lines.push(...String(chunk).split('\n').filter(Boolean)), done()),
    });
    bff = await startTestBff({
      port,
      issuer: tenant.issuer,
      redisUrl: redis.url,
      logger: createLogger('debug', sink),
    });
  });
  afterAll(async () => {
    await closeTestStack({ bff, tenant, redis });
  });

  it('never hold the connect_code, the connect state, the ticket or the login code and state', async () => {
    const client = new CookieClient();
    const start = await client.get(`${bff.url}/auth/login?acr_values=${encodeURIComponent(MFA_ACR)}`);
    const callback = await completeTenantLogin(client, start.location as string, {
      ...DEMO_USER,
      otp: () => totpNow(DEMO_TOTP_SECRET),
    });
    const login = new URL(callback).searchParams;
    expect((await client.get(callback)).status).toBe(302);

    const connect = await client.get(
      `${bff.url}/auth/connect?${new URLSearchParams({ connection: 'example-oauth2', returnTo: '/account' })}`,
    );
    expect(connect.status).toBe(302);
    const ticket = new URL(connect.location as string).searchParams.get('ticket') as string;
    const consent = await client.get(connect.location as string);
    const approved = await client.submitForm(consent);
    const back = new URL(approved.location as string).searchParams;
    const done = await client.get(approved.location as string);
    expect(done.status).toBe(302);
    expect(done.location).toBe(`${bff.url}/account?connected=example-oauth2`);

    const values = {
      loginCode: login.get('code'),
      loginState: login.get('state'),
      ticket,
      connectState: back.get('state'),
      connectCode: back.get('connect_code'),
    };
    for (const value of Object.values(values)) expect(value).toEqual(expect.any(String));
    const text = lines.join('\n');
    // The callback lines are there, with their parameters named and their values redacted.
    expect(text).toContain('/auth/connect/callback?connect_code=[redacted]&state=[redacted]');
    for (const [name, value] of Object.entries(values)) {
      expect({ name, logged: text.includes(value as string) }).toEqual({ name, logged: false });
    }
  });
});
