import { AuthClient, ChangePasswordError, SignUpError } from '@auth0/auth0-auth-js';
import { CookieClient } from '../support/cookie-client.js';
import {
  DEMO,
  startInteropTenant,
  WEB_APP,
  type InteropTenant,
  authClient,
  rejection,
} from './support/interop-tenant.js';

const CONNECTION = 'Username-Password-Authentication';
const RESET_SENT = "We've just sent you an email to reset your password.";

describe('Auth0 auth-js database connections against the local tenant (HTTPS)', () => {
  let it0: InteropTenant;
  let auth: AuthClient;

  beforeAll(async () => {
    it0 = await startInteropTenant();
    auth = authClient(it0);
  });

  afterAll(async () => {
    await it0?.close();
  });

  const post = (path: string, body: unknown) =>
    it0.cert.fetch(`https://${it0.domain}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('database.signUp creates the user with its profile; getTokenByPassword then logs them in', async () => {
    const user = await auth.database.signUp({
      email: 'New.User@Example.com',
      password: 'Signup-pass-42',
      connection: CONNECTION,
      givenName: 'New',
      familyName: 'User',
      nickname: 'newbie',
      userMetadata: { plan: 'free' },
    });
    expect(user).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      email: 'new.user@example.com',
      emailVerified: false,
      givenName: 'New',
      familyName: 'User',
      nickname: 'newbie',
      userMetadata: { plan: 'free' },
    });
    const stored = await it0.tenant.context.accounts.findById(`auth0|${user.id}`);
    expect(stored).toMatchObject({ email: 'new.user@example.com', connection: CONNECTION, methods: [] });

    const tokens = await auth.getTokenByPassword({
      username: 'new.user@example.com',
      password: 'Signup-pass-42',
      realm: CONNECTION,
      scope: 'openid profile email',
    });
    expect(tokens.claims).toMatchObject({
      sub: `auth0|${user.id}`,
      email: 'new.user@example.com',
      email_verified: false,
      given_name: 'New',
      family_name: 'User',
      nickname: 'newbie',
    });
  });

  it('signUp with a registered email: 400 user_exists, whatever the case of the address', async () => {
    const err = await rejection<SignUpError>(
      auth.database.signUp({
        email: DEMO.email.toUpperCase(),
        password: 'Another-pass-42',
        connection: CONNECTION,
      }),
    );
    expect(err).toBeInstanceOf(SignUpError);
    expect(err.statusCode).toBe(400);
    expect(err.cause).toMatchObject({ error: 'user_exists', error_description: 'The user already exists.' });
    expect(JSON.parse(err.body ?? '{}')).toEqual({
      name: 'BadRequestError',
      code: 'user_exists',
      description: 'The user already exists.',
      statusCode: 400,
    });
  });

  it('signUp with a weak password: PasswordStrengthError listing the failed rules; nothing is created', async () => {
    const err = await rejection<SignUpError>(
      auth.database.signUp({ email: 'weak@example.com', password: 'short', connection: CONNECTION }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.cause?.error).toBe('invalid_password');
    const body = JSON.parse(err.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      name: 'PasswordStrengthError',
      code: 'invalid_password',
      message: 'Password is too weak',
      statusCode: 400,
      description: {
        verified: false,
        rules: expect.arrayContaining([expect.objectContaining({ verified: false })]),
      },
      policy: expect.stringContaining('At least 8 characters'),
    });
    const withEmail = await rejection<SignUpError>(
      auth.database.signUp({
        email: 'carol.jones@example.com',
        password: 'Carol.jones-42',
        connection: CONNECTION,
      }),
    );
    expect(withEmail.cause?.error).toBe('password_no_user_info_error');
    expect(await it0.tenant.context.accounts.findByEmail('weak@example.com')).toBeUndefined();
    expect(await it0.tenant.context.accounts.findByEmail('carol.jones@example.com')).toBeUndefined();
  });

  it('signUp validation: unknown connection, bad email, username, metadata, unknown client', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ connection: 'Other-DB' }, 'Unknown database connection: Other-DB'],
      [{ email: 'not-an-email' }, 'email is not a valid email address'],
      [{ username: 'someone' }, 'This connection does not use usernames: sign up with an email'],
      [{ user_metadata: { 'a.b': 'x' } }, 'user_metadata field name not allowed: a.b'],
      [{ user_metadata: { plan: 3 } }, 'user_metadata.plan must be a string of at most 500 characters'],
      [{ picture: 'javascript:alert(1)' }, 'picture must be an http(s) URL'],
    ];
    for (const [override, description] of cases) {
      const res = await post('/dbconnections/signup', {
        client_id: WEB_APP.clientId,
        email: 'valid@example.com',
        password: 'Valid-pass-42',
        connection: CONNECTION,
        ...override,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        name: 'BadRequestError',
        code: 'invalid_signup',
        description,
        statusCode: 400,
      });
    }
    const unknownClient = await post('/dbconnections/signup', {
      client_id: 'nobody',
      email: 'valid@example.com',
      password: 'Valid-pass-42',
      connection: CONNECTION,
    });
    expect(unknownClient.status).toBe(401);
    expect(await unknownClient.json()).toMatchObject({ error: 'invalid_client' });
    expect(await it0.tenant.context.accounts.findByEmail('valid@example.com')).toBeUndefined();
  });

  it('changePassword answers the same text for known and unknown emails; only a known one gets a link', async () => {
    const known = await auth.database.changePassword({ email: DEMO.email, connection: CONNECTION });
    const unknown = await auth.database.changePassword({
      email: 'nobody@example.com',
      connection: CONNECTION,
    });
    expect(known).toBe(RESET_SENT);
    expect(unknown).toBe(RESET_SENT);
    const [mail] = await it0.tenant.context.outbox.list({ to: DEMO.email });
    expect(mail).toMatchObject({
      channel: 'email',
      purpose: 'password-reset',
      link: expect.stringMatching(new RegExp(`^https://${it0.domain}/lo/reset\\?ticket=[\\w-]+$`)),
    });
    expect(await it0.tenant.context.outbox.list({ to: 'nobody@example.com' })).toEqual([]);

    const err = await rejection<ChangePasswordError>(
      auth.database.changePassword({ email: DEMO.email, connection: 'Other-DB' }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.cause).toMatchObject({
      error: 'invalid_request',
      error_description: 'Unknown database connection: Other-DB',
    });
  });

  it('the reset link sets a new password once: policy enforced, old password refused, brute-force block lifted, link spent', async () => {
    await auth.database.signUp({
      email: 'forgetful@example.com',
      password: 'Before-change-42',
      connection: CONNECTION,
    });
    await auth.database.changePassword({ email: 'forgetful@example.com', connection: CONNECTION });
    const [mail] = await it0.tenant.context.outbox.list({ to: 'forgetful@example.com' });
    // Ten wrong passwords block the user; the reset lifts the block.
    for (let i = 0; i < 10; i++)
      await rejection(auth.getTokenByPassword({ username: 'forgetful@example.com', password: `Wrong-${i}` }));
    const blocked = await rejection<Error & { cause?: Record<string, unknown> }>(
      auth.getTokenByPassword({ username: 'forgetful@example.com', password: 'Before-change-42' }),
    );
    expect(blocked.cause?.error).toBe('too_many_attempts');
    const browser = new CookieClient({}, it0.cert.fetch);
    const page = await browser.get(mail.link!);
    expect(page.status).toBe(200);
    expect(page.body).toContain('forgetful@example.com');

    const weak = await browser.submitForm(page, { password: 'weak', confirm: 'weak' });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('at least 8 characters');
    const reused = await browser.submitForm(page, {
      password: 'Before-change-42',
      confirm: 'Before-change-42',
    });
    expect(reused.body).toContain('must not be one of your last');

    const done = await browser.submitForm(page, { password: 'After-change-42', confirm: 'After-change-42' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Password changed');
    const tokens = await auth.getTokenByPassword({
      username: 'forgetful@example.com',
      password: 'After-change-42',
    });
    expect(tokens.accessToken).toEqual(expect.any(String));
    const old = await rejection<Error & { cause?: Record<string, unknown> }>(
      auth.getTokenByPassword({ username: 'forgetful@example.com', password: 'Before-change-42' }),
    );
    expect(old.cause?.error).toBe('invalid_grant');

    const again = await browser.get(mail.link!);
    expect(again.status).toBe(400);
    const replay = await browser.submitForm(page, {
      password: 'Third-change-42',
      confirm: 'Third-change-42',
    });
    expect(replay.status).toBe(400);
  });

  it('change_password is limited per IP address and email: the 11th request within the window is 429', async () => {
    const email = 'limited@example.com';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await post('/dbconnections/change_password', {
        client_id: WEB_APP.clientId,
        email,
        connection: CONNECTION,
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(await res.json()).toMatchObject({ error: 'too_many_requests' });
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(res.headers.get('x-ratelimit-limit')).toBe('10');
      } else expect(await res.text()).toBe(RESET_SENT);
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    // Another address from the same IP has its own budget.
    const other = await post('/dbconnections/change_password', {
      client_id: WEB_APP.clientId,
      email: 'other-limited@example.com',
      connection: CONNECTION,
    });
    expect(other.status).toBe(200);
  });
});
