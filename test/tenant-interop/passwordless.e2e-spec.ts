import { AuthClient, isMfaRequiredError, PasswordlessStartError } from '@auth0/auth0-auth-js';
import { decodeJwt } from 'jose';
import { freshTotp } from '../support/tenant-login.js';
import {
  ALWAYS_MFA,
  DEMO,
  OTHER_APP,
  startInteropTenant,
  WEB_APP,
  type InteropTenant,
  authClient,
  rejection,
} from './support/interop-tenant.js';

const PASSWORDLESS = 'http://auth0.com/oauth/grant-type/passwordless/otp' as const;
/** A user with a confirmed phone number: the sms connection signs them in. */
const PHONE_USER = { email: 'phone@example.com', phone: '+15550002222' };
/** A second application with the passwordless grant: codes are not shared between applications. */
const SECOND_APP = { clientId: 'interop-second', clientSecret: 'interop-second-secret' };
/** A public application: only its client_id at /passwordless/start, so the per-IP limit applies. */
const NATIVE_APP = 'interop-native';

describe('Auth0 auth-js passwordless against the local tenant (HTTPS)', () => {
  let it0: InteropTenant;
  let auth: AuthClient;

  const client = (app: { clientId: string; clientSecret: string }) => authClient(it0, app);

  async function lastCode(to: string): Promise<string> {
    const [message] = await it0.tenant.context.outbox.list({ to });
    if (message?.purpose !== 'passwordless') throw new Error(`no passwordless code was sent to ${to}`);
    return message.code;
  }

  const start = (body: Record<string, unknown>) =>
    it0.cert.fetch(`https://${it0.domain}/passwordless/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    it0 = await startInteropTenant({
      configure: (c) => {
        const base = c.clients.find((x) => x.client_id === WEB_APP.clientId)!;
        base.grant_types.push(PASSWORDLESS);
        c.clients.push(
          { ...base, client_id: SECOND_APP.clientId, client_secret: SECOND_APP.clientSecret },
          {
            ...base,
            client_id: NATIVE_APP,
            client_secret: undefined,
            token_endpoint_auth_method: 'none',
          },
        );
        c.users.push({
          email: PHONE_USER.email,
          password: 'Phone-password-1',
          mfa: 'on-request',
          permissions: [],
          methods: [
            { type: 'phone', phone_number: PHONE_USER.phone, preferred_authentication_method: 'sms' },
          ],
        });
      },
    });
    auth = client(WEB_APP);
  });

  afterAll(async () => {
    await it0?.close();
  });

  it('passwordless.sendEmail + getTokenByPasswordlessEmail: tokens for the user, amr otp; the code is single use', async () => {
    await auth.passwordless.sendEmail({ email: DEMO.email, send: 'code' });
    const code = await lastCode(DEMO.email);
    expect(code).toMatch(/^\d{6}$/);
    const tokens = await auth.getTokenByPasswordlessEmail({
      email: DEMO.email,
      code,
      audience: it0.myAccountAudience,
      scope: 'openid email offline_access read:me:authentication_methods',
    });
    expect(tokens.claims).toMatchObject({ email: DEMO.email, amr: ['otp'] });
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(decodeJwt(tokens.accessToken)).toMatchObject({
      aud: [it0.myAccountAudience, `https://${it0.domain}/userinfo`],
      scope: expect.stringContaining('read:me:authentication_methods'),
    });
    const again = await rejection(auth.getTokenByPasswordlessEmail({ email: DEMO.email, code }));
    expect(again.statusCode).toBe(403);
    expect(again.cause).toMatchObject({
      error: 'invalid_grant',
      error_description: 'Wrong email or verification code.',
    });
  });

  it('passwordless.sendSms + getTokenByPasswordlessSms: the user with that confirmed phone number, amr sms', async () => {
    await auth.passwordless.sendSms({ phoneNumber: PHONE_USER.phone });
    const [message] = await it0.tenant.context.outbox.list({ to: PHONE_USER.phone });
    expect(message).toMatchObject({ channel: 'sms', purpose: 'passwordless' });
    const tokens = await auth.getTokenByPasswordlessSms({
      phoneNumber: PHONE_USER.phone,
      code: message.code,
      scope: 'openid email',
    });
    expect(tokens.claims).toMatchObject({ email: PHONE_USER.email, amr: ['sms'] });
    const wrong = await rejection(
      auth.getTokenByPasswordlessSms({ phoneNumber: PHONE_USER.phone, code: message.code }),
    );
    expect(wrong.cause?.error_description).toBe('Wrong phone number or verification code.');
  });

  it('only the latest code is valid, for the application that asked, within its lifetime', async () => {
    await auth.passwordless.sendEmail({ email: DEMO.email, send: 'code' });
    const first = await lastCode(DEMO.email);
    await auth.passwordless.sendEmail({ email: DEMO.email, send: 'code' });
    const second = await lastCode(DEMO.email);
    if (first !== second) {
      const stale = await rejection(auth.getTokenByPasswordlessEmail({ email: DEMO.email, code: first }));
      expect(stale.cause?.error).toBe('invalid_grant');
    }
    const other = await rejection(
      client(SECOND_APP).getTokenByPasswordlessEmail({ email: DEMO.email, code: second }),
    );
    expect(other.cause?.error_description).toBe('Wrong email or verification code.');
    const redis = it0.tenant.context.redis;
    const [key] = (await redis.keys(`${it0.tenant.config.redis.prefix}passwordless:*`)).filter(
      (k) => !k.endsWith(':failures'),
    );
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(170);
    expect(ttl).toBeLessThanOrEqual(180);
    await redis.pexpire(key, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const expired = await rejection(auth.getTokenByPasswordlessEmail({ email: DEMO.email, code: second }));
    expect(expired.cause?.error_description).toBe('Wrong email or verification code.');
  });

  it('three wrong codes use the code up: even the right one is refused until a new code is sent', async () => {
    await auth.passwordless.sendEmail({ email: DEMO.email, send: 'code' });
    const code = await lastCode(DEMO.email);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const answers: unknown[] = [];
    for (let i = 0; i < 3; i++)
      answers.push(
        (await rejection(auth.getTokenByPasswordlessEmail({ email: DEMO.email, code: wrongCode }))).cause
          ?.error_description,
      );
    const exhausted = "You've reached the maximum number of attempts. Please try to login again.";
    expect(answers).toEqual([
      'Wrong email or verification code.',
      'Wrong email or verification code.',
      exhausted,
    ]);
    const right = await rejection(auth.getTokenByPasswordlessEmail({ email: DEMO.email, code }));
    expect(right.cause?.error_description).toBe(exhausted);
    await auth.passwordless.sendEmail({ email: DEMO.email, send: 'code' });
    const fresh = await auth.getTokenByPasswordlessEmail({
      email: DEMO.email,
      code: await lastCode(DEMO.email),
    });
    expect(fresh.accessToken).toEqual(expect.any(String));
  });

  it('an unknown email gets the same answer and no code; no user is created', async () => {
    const res = await start({
      client_id: WEB_APP.clientId,
      client_secret: WEB_APP.clientSecret,
      connection: 'email',
      email: 'Stranger@Example.com',
      send: 'code',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      email: 'stranger@example.com',
    });
    expect(await it0.tenant.context.outbox.list({ to: 'stranger@example.com' })).toEqual([]);
    const err = await rejection(
      auth.getTokenByPasswordlessEmail({ email: 'stranger@example.com', code: '123456' }),
    );
    expect(err.cause?.error_description).toBe('Wrong email or verification code.');
    expect(await it0.tenant.context.accounts.findByEmail('stranger@example.com')).toBeUndefined();
  });

  it('a user whose logins always need MFA gets mfa_required; mfa.verify finishes with amr otp + mfa', async () => {
    await auth.passwordless.sendEmail({ email: ALWAYS_MFA.email, send: 'code' });
    const err = await rejection(
      auth.getTokenByPasswordlessEmail({
        email: ALWAYS_MFA.email,
        code: await lastCode(ALWAYS_MFA.email),
        scope: 'openid',
      }),
    );
    if (!isMfaRequiredError(err)) throw err;
    const tokens = await auth.mfa.verify({
      mfaToken: err.cause.mfa_token,
      factorType: 'otp',
      otp: await freshTotp(ALWAYS_MFA.totp),
    });
    expect(tokens.claims?.amr).toEqual(['otp', 'mfa']);
  });

  it('/passwordless/start validation: Auth0 error codes; links are not sent', async () => {
    const secret = { client_id: WEB_APP.clientId, client_secret: WEB_APP.clientSecret };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...secret, connection: 'email', email: DEMO.email, send: 'link' }, 400, 'bad.send'],
      [{ ...secret, connection: 'email', email: DEMO.email }, 400, 'bad.send'],
      [{ ...secret, connection: 'whatsapp', email: DEMO.email, send: 'code' }, 400, 'bad.connection'],
      [{ ...secret, send: 'code' }, 400, 'bad.connection'],
      [{ ...secret, connection: 'email', email: 'nope', send: 'code' }, 400, 'bad.email'],
      [{ ...secret, connection: 'sms', phone_number: '5550002222' }, 400, 'bad.phone_number'],
      [
        { ...secret, connection: 'email', email: DEMO.email, send: 'code', authParams: 'x' },
        400,
        'bad.authParams',
      ],
      [
        { client_id: WEB_APP.clientId, connection: 'email', email: DEMO.email, send: 'code' },
        401,
        'invalid_client',
      ],
      [
        {
          client_id: OTHER_APP.clientId,
          client_secret: OTHER_APP.clientSecret,
          connection: 'email',
          email: DEMO.email,
          send: 'code',
        },
        400,
        'unauthorized_client',
      ],
    ];
    const before = (await it0.tenant.context.outbox.list({ to: DEMO.email })).length;
    for (const [body, status, error] of cases) {
      const res = await start(body);
      expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([status, error]);
    }
    expect(await it0.tenant.context.outbox.list({ to: DEMO.email })).toHaveLength(before);
    const sdk = await rejection(client(OTHER_APP).passwordless.sendEmail({ email: DEMO.email }));
    expect(sdk).toBeInstanceOf(PasswordlessStartError);
    expect(sdk.cause?.error).toBe('unauthorized_client');
  });

  it('without client authentication, /passwordless/start takes 50 requests an hour per IP address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++) {
      const res = await start({
        client_id: NATIVE_APP,
        connection: 'email',
        email: `n${i}@example.com`,
        send: 'code',
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(await res.json()).toMatchObject({ error: 'too_many_requests' });
        expect(res.headers.get('x-ratelimit-limit')).toBe('50');
      }
    }
    expect(statuses).toEqual([...Array(50).fill(200), 429]);
    // Authenticated calls are not counted against it.
    await auth.passwordless.sendEmail({ email: DEMO.email, send: 'code' });
  });
});
