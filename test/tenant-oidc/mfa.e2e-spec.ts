import { CookieClient, type ClientResponse } from '../support/cookie-client.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { completeTenantLogin, freshTotp, totpNow } from '../support/tenant-login.js';
import { buildSeedAccount, seedUserId } from '../../tenant/accounts/seed.js';
import { createMyAccountClient } from '../support/my-account-client.js';
import {
  authorizationUrl,
  CLIENT_ID,
  CLIENT_SECRET,
  DEMO,
  discover,
  FRESH,
  idTokenClaims,
  logIn,
  MFA_ACR,
  redeem,
} from './support/rp.js';
import type * as oidc from 'openid-client';

const RECOVERY = {
  username: 'recovery@example.com',
  password: 'Recovery-password-1',
  code: 'ABCD2345EFGH6789',
};
const ALWAYS = {
  username: 'always@example.com',
  password: 'Always-password-1',
  totpSecret: 'KRSXG5CTMVRXEZLU',
};
const EMAIL = { username: 'mailer@example.com', password: 'Mailer-password-1' };
const REPLAY = { username: 'totp@example.com', password: 'Totp-password-1', totpSecret: 'MFRGGZDFMZTWQ2LK' };
const SEED_DEFAULTS = { mfa: 'on-request' as const, permissions: [], methods: [] };

/** A My Account token for `user` with `scope`, by the password-realm grant of the BFF's client. */
async function passwordRealmToken(
  tenant: TestTenant,
  user: { username: string; password: string },
  scope: string,
): Promise<string> {
  const res = await fetch(`${tenant.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
      username: user.username,
      password: user.password,
      realm: 'Username-Password-Authentication',
      audience: `${tenant.issuer}me/`,
      scope,
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function loginPage(client: CookieClient, url: URL): Promise<ClientResponse> {
  return client.get(url, { followRedirects: 3 });
}

async function passwordStep(
  client: CookieClient,
  url: URL,
  user: { username: string; password: string },
): Promise<ClientResponse> {
  const page = await loginPage(client, url);
  expect(page.body).toContain('name="password"');
  return client.submitForm(
    page,
    { username: user.username, password: user.password },
    { followRedirects: 1 },
  );
}

/** Submits the MFA form and follows the tenant's redirects up to the client's redirect_uri. */
async function submitOtp(
  client: CookieClient,
  page: ClientResponse,
  otp: string,
  tenant: TestTenant,
): Promise<ClientResponse> {
  let res = await client.submitForm(page, { otp }, { submitter: { name: 'action', value: 'verify' } });
  while (res.location && new URL(res.location).origin === tenant.url) res = await client.get(res.location);
  return res;
}

describe('tenant MFA at login', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let config: oidc.Configuration;

  beforeAll(async () => {
    redis = await startTestRedis();
    tenant = await startTestTenant({
      totpReplays: 'reject',
      redisUrl: redis.url,
      configure: (c) => {
        c.users.push(
          {
            email: RECOVERY.username,
            password: RECOVERY.password,
            mfa: 'on-request',
            permissions: [],
            methods: [{ type: 'recovery-code', code: RECOVERY.code }],
          },
          {
            email: ALWAYS.username,
            password: ALWAYS.password,
            mfa: 'always',
            permissions: [],
            methods: [{ type: 'totp', secret: ALWAYS.totpSecret }],
          },
          {
            email: REPLAY.username,
            password: REPLAY.password,
            mfa: 'on-request',
            permissions: [],
            methods: [{ type: 'totp', secret: REPLAY.totpSecret }],
          },
          {
            email: EMAIL.username,
            password: EMAIL.password,
            mfa: 'on-request',
            permissions: [],
            methods: [{ type: 'email', email: EMAIL.username }],
          },
        );
      },
    });
    config = await discover(tenant.issuer);
  });
  afterAll(async () => {
    await tenant?.close();
    await redis?.close();
  });

  it('asks for the TOTP when acr_values names the MFA policy; the ID token then has amr mfa and the MFA acr', async () => {
    const { tokens } = await logIn(
      config,
      { ...DEMO, otp: () => freshTotp(DEMO.totpSecret) },
      { acr_values: MFA_ACR },
    );
    const id = idTokenClaims(tokens.id_token);
    expect(id.amr).toEqual(['pwd', 'mfa']);
    expect(id.acr).toBe(MFA_ACR);
  });

  it('does not ask for a second factor without acr_values (no mfa in amr, no acr)', async () => {
    const { tokens } = await logIn(config, DEMO);
    const id = idTokenClaims(tokens.id_token);
    expect(id.amr).toEqual(['pwd']);
    expect(id.acr).toBeUndefined();
  });

  it('re-renders the MFA page with an error for a wrong code, then accepts the right one', async () => {
    const client = new CookieClient();
    const pending = await authorizationUrl(config, { acr_values: MFA_ACR });
    const mfa = await passwordStep(client, pending.url, DEMO);
    expect(mfa.body).toContain('name="otp"');
    const right = await freshTotp(DEMO.totpSecret);
    const wrong = await client.submitForm(mfa, { otp: right === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('That code is not valid.');
    const done = await submitOtp(client, wrong, right, tenant);
    expect(new URL(done.location as string).searchParams.get('code')).toBeTruthy();
  });

  it('accepts a TOTP code once (RFC 6238 §5.2): the same code at the next login is refused', async () => {
    const code = await freshTotp(REPLAY.totpSecret);
    await logIn(config, { ...REPLAY, otp: code }, { acr_values: MFA_ACR });
    const client = new CookieClient();
    const pending = await authorizationUrl(config, { acr_values: MFA_ACR });
    const page = await passwordStep(client, pending.url, REPLAY);
    const replay = await client.submitForm(
      page,
      { otp: code },
      { submitter: { name: 'action', value: 'verify' } },
    );
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('That code is not valid.');
    const done = await submitOtp(client, replay, await freshTotp(REPLAY.totpSecret), tenant);
    expect(new URL(done.location as string).searchParams.get('code')).toBeTruthy();
  });

  it('a code that confirmed a My Account TOTP enrollment is not accepted again at login', async () => {
    const user = { username: 'replay@example.com', password: 'Replay-password-1' };
    await tenant.context.accounts.create(
      await buildSeedAccount(
        { ...SEED_DEFAULTS, email: user.username, password: user.password },
        'Username-Password-Authentication',
      ),
    );
    const token = await passwordRealmToken(tenant, user, 'create:me:authentication_methods');
    const api = createMyAccountClient({ baseUrl: `${tenant.issuer}me/v1`, accessToken: token });
    const started = await api.request('POST', '/authentication-methods', { type: 'totp' });
    expect(started.status).toBe(202);
    const secret = started.body.manual_input_code as string;
    const code = await freshTotp(secret);
    const location = started.headers.get('location')!;
    const verified = await api.request('POST', `${location}/verify`, {
      auth_session: started.body.auth_session,
      otp_code: code,
    });
    expect(verified.status).toBe(201);
    const client = new CookieClient();
    const pending = await authorizationUrl(config, { acr_values: MFA_ACR });
    const page = await passwordStep(client, pending.url, user);
    const replay = await client.submitForm(
      page,
      { otp: code },
      { submitter: { name: 'action', value: 'verify' } },
    );
    expect(replay.status).toBe(400);
    const done = await submitOtp(client, replay, await freshTotp(secret), tenant);
    expect(new URL(done.location as string).searchParams.get('code')).toBeTruthy();
  });

  it('steps up a live session with the second factor only (no password again)', async () => {
    const { client } = await logIn(config, DEMO);
    const pending = await authorizationUrl(config, { acr_values: MFA_ACR });
    const page = await loginPage(client, pending.url);
    expect(page.body).toContain('name="otp"');
    expect(page.body).not.toContain('name="password"');
    const done = await submitOtp(client, page, await freshTotp(DEMO.totpSecret), tenant);
    const tokens = await redeem(config, pending, done.location as string);
    expect(idTokenClaims(tokens.id_token)).toMatchObject({ amr: ['pwd', 'mfa'], acr: MFA_ACR });
  });

  it('accepts a recovery code once: it is consumed', async () => {
    const { tokens } = await logIn(config, { ...RECOVERY, otp: RECOVERY.code }, { acr_values: MFA_ACR });
    expect(idTokenClaims(tokens.id_token).amr).toEqual(['pwd', 'mfa']);
    const account = await tenant.context.accounts.findById(seedUserId({ email: RECOVERY.username }));
    expect(account?.methods.filter((m) => m.type === 'recovery-code')).toHaveLength(0);
    // The user has no factor left: the next MFA login offers enrollment, and the old code is refused.
    const client = new CookieClient();
    const pending = await authorizationUrl(config, { acr_values: MFA_ACR });
    const page = await passwordStep(client, pending.url, RECOVERY);
    const again = await client.submitForm(page, { otp: RECOVERY.code });
    expect(again.status).toBe(400);
    expect(again.body).toContain('That code is not valid.');
  });

  it('always asks users with mfa: always', async () => {
    await expect(logIn(config, ALWAYS)).rejects.toThrow(/no otp was given/);
    const { tokens } = await logIn(config, { ...ALWAYS, otp: () => freshTotp(ALWAYS.totpSecret) });
    expect(idTokenClaims(tokens.id_token)).toMatchObject({ amr: ['pwd', 'mfa'], acr: MFA_ACR });
  });

  it('sends an email code to the dev outbox when the user picks it, and accepts it', async () => {
    const client = new CookieClient();
    const pending = await authorizationUrl(config, { acr_values: MFA_ACR });
    const page = await passwordStep(client, pending.url, EMAIL);
    const send = /name="action" value="(send:[^"]+)"/.exec(page.body)?.[1] as string;
    expect(send).toMatch(/^send:email\|/);
    const sent = await client.submitForm(page, {}, { submitter: { name: 'action', value: send } });
    expect(sent.body).toContain('We sent a code to m***@example.com.');
    const outbox = (await (await fetch(`${tenant.url}/__dev/outbox?to=${EMAIL.username}`)).json()) as Array<{
      code: string;
      purpose: string;
    }>;
    expect(outbox[0].purpose).toBe('login');
    const done = await submitOtp(client, sent, outbox[0].code, tenant);
    const tokens = await redeem(config, pending, done.location as string);
    expect(idTokenClaims(tokens.id_token).amr).toEqual(['pwd', 'mfa']);
  });

  it('lets a user without any factor enroll a TOTP at the prompt, stored as a confirmed method', async () => {
    const client = new CookieClient();
    const pending = await authorizationUrl(config, { acr_values: MFA_ACR });
    const page = await passwordStep(client, pending.url, FRESH);
    const secret = /<code id="totp-secret">([A-Z2-7]+)<\/code>/.exec(page.body)?.[1] as string;
    expect(secret).toBeTruthy();
    expect(page.body).toContain('otpauth://totp/');
    const wrong = await client.submitForm(page, { otp: 'abcdef' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain(secret); // the same secret is offered again
    const done = await submitOtp(client, wrong, totpNow(secret), tenant);
    const tokens = await redeem(config, pending, done.location as string);
    expect(idTokenClaims(tokens.id_token)).toMatchObject({ amr: ['pwd', 'mfa'], acr: MFA_ACR });
    const account = await tenant.context.accounts.findById(seedUserId({ email: FRESH.username }));
    expect(account?.methods).toEqual([expect.objectContaining({ type: 'totp', secret, confirmed: true })]);
    // Next time the enrolled authenticator is asked for.
    const next = await completeTenantLogin(
      new CookieClient(),
      (await authorizationUrl(config, { acr_values: MFA_ACR })).url,
      { ...FRESH, otp: () => freshTotp(secret) },
    );
    expect(new URL(next).searchParams.get('code')).toBeTruthy();
  });
});
