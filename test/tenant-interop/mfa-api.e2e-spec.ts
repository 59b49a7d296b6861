import { AuthClient, isMfaRequiredError } from '@auth0/auth0-auth-js';
import { decodeJwt } from 'jose';
import { freshTotp } from '../support/tenant-login.js';
import {
  ALWAYS_MFA,
  ENROLL_MFA,
  ENROLL_SMS,
  LOCKOUT,
  OOB_MFA,
  OTHER_APP,
  startInteropTenant,
  WEB_APP,
  type InteropTenant,
  authClient,
  rejection,
} from './support/interop-tenant.js';

const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** getTokenByPassword for a user whose logins need MFA: the `mfa_required` error's token and requirements. */
async function mfaRequired(auth: AuthClient, it0: InteropTenant, user: { email: string; password: string }) {
  const err = await rejection(
    auth.getTokenByPassword({
      username: user.email,
      password: user.password,
      audience: it0.myAccountAudience,
      scope: 'openid email offline_access read:me:authentication_methods',
    }),
  );
  if (!isMfaRequiredError(err)) throw err;
  return err.cause;
}

async function lastCodeSentTo(it0: InteropTenant, to: string): Promise<string> {
  const [message] = await it0.tenant.context.outbox.list({ to });
  if (!message) throw new Error(`nothing was sent to ${to}`);
  return message.code;
}

describe('Auth0 auth-js MFA client against the local tenant (HTTPS)', () => {
  let it0: InteropTenant;
  let auth: AuthClient;

  beforeAll(async () => {
    it0 = await startInteropTenant();
    auth = authClient(it0);
  });

  afterAll(async () => {
    await it0?.close();
  });

  it('mfa.listAuthenticators: the TOTP app and the recovery code, active', async () => {
    const { mfa_token: mfaToken, mfa_requirements: requirements } = await mfaRequired(auth, it0, ALWAYS_MFA);
    expect(requirements).toEqual({ challenge: [{ type: 'otp' }] });
    const list = await auth.mfa.listAuthenticators({ mfaToken });
    expect(list).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^totp\|dev_/),
        authenticatorType: 'otp',
        active: true,
      }),
      expect.objectContaining({
        id: expect.stringMatching(/^recovery-code\|dev_/),
        authenticatorType: 'recovery-code',
        active: true,
      }),
    ]);
  });

  it('challengeAuthenticator(otp) then verify: a wrong code is invalid_grant, the right one logs in with amr mfa; the token is then spent', async () => {
    const { mfa_token: mfaToken } = await mfaRequired(auth, it0, ALWAYS_MFA);
    const [totp] = await auth.mfa.listAuthenticators({ mfaToken });
    const challenge = await auth.mfa.challengeAuthenticator({
      mfaToken,
      challengeType: 'otp',
      authenticatorId: totp.id,
    });
    expect(challenge).toEqual({ challengeType: 'otp' });

    const code = await freshTotp(ALWAYS_MFA.totp);
    const wrong = await rejection(
      auth.mfa.verify({ mfaToken, factorType: 'otp', otp: code === '000000' ? '111111' : '000000' }),
    );
    expect(wrong.cause).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid otp_code.' });

    const tokens = await auth.mfa.verify({ mfaToken, factorType: 'otp', otp: code });
    expect(tokens.claims).toMatchObject({ email: ALWAYS_MFA.email, amr: ['pwd', 'mfa'], acr: MFA_ACR });
    expect(decodeJwt(tokens.accessToken)).toMatchObject({
      aud: [it0.myAccountAudience, `https://${it0.domain}/userinfo`],
      scope: expect.stringContaining('read:me:authentication_methods'),
    });
    expect(tokens.refreshToken).toEqual(expect.any(String));

    const spent = await rejection(auth.mfa.verify({ mfaToken, factorType: 'otp', otp: code }));
    expect(spent.cause).toMatchObject({ error: 'invalid_grant', error_description: 'Malformed mfa_token' });
  });

  it('a TOTP code is accepted once: the same code with a new mfa_token is refused (RFC 6238 §5.2)', async () => {
    const code = await freshTotp(ALWAYS_MFA.totp);
    const first = await mfaRequired(auth, it0, ALWAYS_MFA);
    await auth.mfa.verify({ mfaToken: first.mfa_token, factorType: 'otp', otp: code });
    const second = await mfaRequired(auth, it0, ALWAYS_MFA);
    const replay = await rejection(
      auth.mfa.verify({ mfaToken: second.mfa_token, factorType: 'otp', otp: code }),
    );
    expect(replay.cause).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid otp_code.' });
    // The token survives a wrong code: a fresh one still finishes the login.
    const fresh = await auth.mfa.verify({
      mfaToken: second.mfa_token,
      factorType: 'otp',
      otp: await freshTotp(ALWAYS_MFA.totp),
    });
    expect(fresh.claims?.amr).toContain('mfa');
  });

  it('oob: challengeAuthenticator sends a code by email or SMS; verify with oob_code + binding_code', async () => {
    const { mfa_token: mfaToken, mfa_requirements: requirements } = await mfaRequired(auth, it0, OOB_MFA);
    expect(requirements).toEqual({ challenge: [{ type: 'email' }, { type: 'phone' }] });
    const list = await auth.mfa.listAuthenticators({ mfaToken });
    expect(list.map((a) => [a.authenticatorType, a.name, a.active])).toEqual([
      ['oob', OOB_MFA.email, true],
      ['oob', OOB_MFA.phone, true],
    ]);
    const sms = list.find((a) => a.name === OOB_MFA.phone)!;
    const challenge = await auth.mfa.challengeAuthenticator({
      mfaToken,
      challengeType: 'oob',
      authenticatorId: sms.id,
    });
    expect(challenge).toEqual({
      challengeType: 'oob',
      oobCode: expect.any(String),
      bindingMethod: 'prompt',
    });
    const sent = await lastCodeSentTo(it0, OOB_MFA.phone);
    const wrong = await rejection(
      auth.mfa.verify({
        mfaToken,
        factorType: 'oob',
        oobCode: challenge.oobCode!,
        bindingCode: sent === '000000' ? '111111' : '000000',
      }),
    );
    expect(wrong.cause).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid binding_code.' });
    const tokens = await auth.mfa.verify({
      mfaToken,
      factorType: 'oob',
      oobCode: challenge.oobCode!,
      bindingCode: sent,
    });
    expect(tokens.claims).toMatchObject({ email: OOB_MFA.email, amr: ['pwd', 'mfa'] });

    // Without authenticator_id the first factor of the asked type: the email.
    const next = await mfaRequired(auth, it0, OOB_MFA);
    const byEmail = await auth.mfa.challengeAuthenticator({ mfaToken: next.mfa_token, challengeType: 'oob' });
    const emailed = await auth.mfa.verify({
      mfaToken: next.mfa_token,
      factorType: 'oob',
      oobCode: byEmail.oobCode!,
      bindingCode: await lastCodeSentTo(it0, OOB_MFA.email),
    });
    expect(emailed.claims?.amr).toEqual(['pwd', 'mfa']);
  });

  it('verify with a recovery code: the answer carries the new recovery code; the old one is spent', async () => {
    const first = await mfaRequired(auth, it0, ALWAYS_MFA);
    const tokens = await auth.mfa.verify({
      mfaToken: first.mfa_token,
      factorType: 'recovery-code',
      recoveryCode: ALWAYS_MFA.recoveryCode,
    });
    expect(tokens.claims?.amr).toEqual(['pwd', 'mfa']);
    expect(tokens.recoveryCode).toMatch(/^[A-Z0-9]{24}$/);

    const second = await mfaRequired(auth, it0, ALWAYS_MFA);
    const old = await rejection(
      auth.mfa.verify({
        mfaToken: second.mfa_token,
        factorType: 'recovery-code',
        recoveryCode: ALWAYS_MFA.recoveryCode,
      }),
    );
    expect(old.cause).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid recovery code.' });
    const again = await auth.mfa.verify({
      mfaToken: second.mfa_token,
      factorType: 'recovery-code',
      recoveryCode: tokens.recoveryCode!,
    });
    expect(again.recoveryCode).not.toBe(tokens.recoveryCode);
  });

  it('enrollAuthenticator(otp) for a user with no factor; the first code activates it; a second enrollment is refused', async () => {
    const { mfa_token: mfaToken, mfa_requirements: requirements } = await mfaRequired(auth, it0, ENROLL_MFA);
    expect(requirements).toEqual({ enroll: [{ type: 'otp' }] });
    expect(await auth.mfa.listAuthenticators({ mfaToken })).toEqual([]);

    const enrollment = await auth.mfa.enrollAuthenticator({ mfaToken, authenticatorTypes: ['otp'] });
    expect(enrollment).toMatchObject({
      authenticatorType: 'otp',
      secret: expect.stringMatching(/^[A-Z2-7]+=*$/),
      barcodeUri: expect.stringMatching(/^otpauth:\/\/totp\//),
      recoveryCodes: [expect.stringMatching(/^[A-Z0-9]{24}$/)],
    });
    const pending = await auth.mfa.listAuthenticators({ mfaToken });
    expect(pending.map((a) => [a.authenticatorType, a.active])).toEqual([
      ['otp', false],
      ['recovery-code', false],
    ]);
    if (enrollment.authenticatorType !== 'otp') throw new Error('expected an otp enrollment');
    const tokens = await auth.mfa.verify({
      mfaToken,
      factorType: 'otp',
      otp: await freshTotp(enrollment.secret),
    });
    expect(tokens.claims?.amr).toEqual(['pwd', 'mfa']);

    const next = await mfaRequired(auth, it0, ENROLL_MFA);
    expect(next.mfa_requirements).toEqual({ challenge: [{ type: 'otp' }] });
    const active = await auth.mfa.listAuthenticators({ mfaToken: next.mfa_token });
    expect(active.map((a) => [a.authenticatorType, a.active])).toEqual([
      ['otp', true],
      ['recovery-code', true],
    ]);
    const again = await rejection(
      auth.mfa.enrollAuthenticator({ mfaToken: next.mfa_token, authenticatorTypes: ['otp'] }),
    );
    expect(again.cause).toMatchObject({
      error: 'access_denied',
      error_description: 'User is already enrolled.',
    });
    // The enrollment's recovery code works.
    const recovered = await auth.mfa.verify({
      mfaToken: next.mfa_token,
      factorType: 'recovery-code',
      recoveryCode: enrollment.recoveryCodes![0],
    });
    expect(recovered.claims?.email).toBe(ENROLL_MFA.email);
  });

  it('enrollAuthenticator(oob, sms) sends a code; verify(oob) with it activates the phone', async () => {
    const { mfa_token: mfaToken } = await mfaRequired(auth, it0, ENROLL_SMS);
    const phone = '+15550002222';
    const enrollment = await auth.mfa.enrollAuthenticator({
      mfaToken,
      authenticatorTypes: ['oob'],
      oobChannels: ['sms'],
      phoneNumber: phone,
    });
    expect(enrollment).toMatchObject({
      authenticatorType: 'oob',
      oobChannel: 'sms',
      oobCode: expect.any(String),
      bindingMethod: 'prompt',
    });
    if (enrollment.authenticatorType !== 'oob') throw new Error('expected an oob enrollment');
    const tokens = await auth.mfa.verify({
      mfaToken,
      factorType: 'oob',
      oobCode: enrollment.oobCode!,
      bindingCode: await lastCodeSentTo(it0, phone),
    });
    expect(tokens.claims?.amr).toEqual(['pwd', 'mfa']);
    const next = await mfaRequired(auth, it0, ENROLL_SMS);
    expect(next.mfa_requirements).toEqual({ challenge: [{ type: 'phone' }] });
  });

  it('refuses a foreign or malformed mfa_token, deleteAuthenticator with an mfa_token, and bad requests (Auth0 error bodies)', async () => {
    const { mfa_token: mfaToken } = await mfaRequired(auth, it0, ALWAYS_MFA);
    const other = authClient(it0, OTHER_APP);
    // The mfa_token is checked before the code: any code is refused.
    const foreign = await rejection(other.mfa.verify({ mfaToken, factorType: 'otp', otp: '123456' }));
    expect(foreign.cause).toMatchObject({ error: 'invalid_grant' });
    const foreignChallenge = await rejection(
      other.mfa.challengeAuthenticator({ mfaToken, challengeType: 'otp' }),
    );
    expect(foreignChallenge.statusCode).toBe(403);
    expect(foreignChallenge.cause).toMatchObject({ error: 'invalid_grant' });

    const garbage = await rejection(auth.mfa.listAuthenticators({ mfaToken: 'not-a-token' }));
    expect(garbage.statusCode).toBe(401);
    expect(garbage.cause).toMatchObject({
      error: 'invalid_grant',
      error_description: 'Malformed mfa_token',
    });

    const [totp] = await auth.mfa.listAuthenticators({ mfaToken });
    const removal = await rejection(auth.mfa.deleteAuthenticator({ mfaToken, authenticatorId: totp.id }));
    expect(removal.statusCode).toBe(403);
    expect(removal.cause).toMatchObject({ error: 'insufficient_scope' });
    expect(await auth.mfa.listAuthenticators({ mfaToken })).toHaveLength(2);

    const post = (path: string, body: string, headers: Record<string, string>) =>
      it0.cert.fetch(`https://${it0.domain}${path}`, { method: 'POST', headers, body });
    const json = { 'content-type': 'application/json' };
    const cases: Array<[string, string, Record<string, string>, number, string]> = [
      ['/mfa/challenge', 'mfa_token=x', { 'content-type': 'text/plain' }, 400, 'invalid_request'],
      ['/mfa/challenge', '[1]', json, 400, 'invalid_request'],
      [
        '/mfa/challenge',
        JSON.stringify({
          client_id: WEB_APP.clientId,
          client_secret: WEB_APP.clientSecret,
          mfa_token: mfaToken,
        }),
        json,
        400,
        'invalid_request',
      ],
      [
        '/mfa/challenge',
        JSON.stringify({
          client_id: WEB_APP.clientId,
          client_secret: WEB_APP.clientSecret,
          mfa_token: mfaToken,
          challenge_type: 'sms',
        }),
        json,
        400,
        'unsupported_challenge_type',
      ],
      [
        '/mfa/challenge',
        JSON.stringify({
          client_id: WEB_APP.clientId,
          client_secret: 'wrong',
          mfa_token: mfaToken,
          challenge_type: 'otp',
        }),
        json,
        401,
        'invalid_client',
      ],
      ['/mfa/associate', '{}', { ...json, authorization: `Bearer ${mfaToken}` }, 400, 'invalid_request'],
    ];
    for (const [path, body, headers, status, error] of cases) {
      const res = await post(path, body, headers);
      expect([path, body, res.status]).toEqual([path, body, status]);
      expect(await res.json()).toMatchObject({ error, error_description: expect.any(String) });
    }
    const grant = await it0.cert.fetch(`https://${it0.domain}/oauth/token`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        grant_type: 'http://auth0.com/oauth/grant-type/mfa-oob',
        client_id: WEB_APP.clientId,
        client_secret: WEB_APP.clientSecret,
        mfa_token: mfaToken,
      }),
    });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Missing required parameter: oob_code',
    });
  });

  it('after 10 wrong codes the user is refused 429 too_many_attempts, right code or not', async () => {
    const { mfa_token: mfaToken } = await mfaRequired(auth, it0, LOCKOUT);
    const right = await freshTotp(LOCKOUT.totp);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 10; i++) {
      const err = await rejection(auth.mfa.verify({ mfaToken, factorType: 'otp', otp: wrong }));
      expect(err.cause).toMatchObject({ error: 'invalid_grant' });
    }
    const blocked = await rejection(auth.mfa.verify({ mfaToken, factorType: 'otp', otp: right }));
    expect(blocked.cause).toMatchObject({ error: 'too_many_attempts' });
  });
});

describe('mfa_token lifetime', () => {
  let it0: InteropTenant;

  beforeAll(async () => {
    it0 = await startInteropTenant({
      configure: (c) => {
        c.tenant.mfa_token_lifetime_seconds = 1;
      },
    });
  });

  afterAll(async () => {
    await it0?.close();
  });

  it('an expired mfa_token is told expired_token, at the MFA API and the grant', async () => {
    const auth = authClient(it0);
    const { mfa_token: mfaToken } = await mfaRequired(auth, it0, ALWAYS_MFA);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const list = await rejection(auth.mfa.listAuthenticators({ mfaToken }));
    expect(list.statusCode).toBe(401);
    expect(list.cause).toMatchObject({ error: 'expired_token' });
    const verify = await rejection(auth.mfa.verify({ mfaToken, factorType: 'otp', otp: '123456' }));
    expect(verify.cause).toMatchObject({ error: 'expired_token', error_description: 'mfa_token is expired' });
  });
});
