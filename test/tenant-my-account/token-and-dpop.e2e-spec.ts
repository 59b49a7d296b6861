import { generateKeyPair, SignJWT } from 'jose';
import { createDpopKey, startHarness, type Harness } from './support/my-account-harness.js';

const FACTORS = '/me/v1/factors';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  expect(h.contractViolations).toEqual([]);
});

let n = 0;
const newUser = () => h.createUser(`token-${n++}@example.com`);

describe('access token', () => {
  it('a token from localhost is refused at 127.0.0.1 and the other way round (same-domain rule)', async () => {
    const user = await newUser();
    const local = await h.mintToken({ sub: user.user_id, host: 'localhost' });
    const custom = await h.mintToken({ sub: user.user_id, host: '127.0.0.1' });
    expect(
      (await h.call('GET', FACTORS, { token: local, host: 'localhost', operationId: 'getFactors' })).status,
    ).toBe(200);
    expect(
      (await h.call('GET', FACTORS, { token: custom, host: '127.0.0.1', operationId: 'getFactors' })).status,
    ).toBe(200);
    const crossed = await h.call('GET', FACTORS, {
      token: local,
      host: '127.0.0.1',
      operationId: 'getFactors',
    });
    expect(crossed.status).toBe(401);
    expect(crossed.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(
      (await h.call('GET', FACTORS, { token: custom, host: 'localhost', operationId: 'getFactors' })).status,
    ).toBe(401);
  });

  it('refuses expired tokens, foreign signatures, other audiences and client-credentials tokens', async () => {
    const user = await newUser();
    const expired = await h.mintToken({ sub: user.user_id, expiresIn: -120 });
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ scope: 'read:me:factors' })
      .setProtectedHeader({ alg: 'RS256', kid: h.ctx.keys.publicJwks.keys[0].kid })
      .setIssuer(h.issuer())
      .setAudience(`${h.issuer()}me/`)
      .setSubject(user.user_id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const otherAudience = await h.mintToken({ sub: user.user_id, audience: `${h.issuer()}api/` });
    const m2m = await h.mintToken({ sub: user.user_id, extra: { gty: 'client-credentials' } });
    const clientSub = await h.mintToken({ sub: 'myaccount-bff@clients' });
    for (const token of [expired, forged, otherAudience, m2m, clientSub, 'not.a.jwt']) {
      const res = await h.call('GET', FACTORS, { token, operationId: 'getFactors' });
      expect(res.status).toBe(401);
      expect(res.body.type).toBe('invalid_token');
    }
  });

  it('refuses a token whose user no longer exists, and a malformed Authorization header', async () => {
    const ghost = await h.mintToken({ sub: 'auth0|nobody' });
    expect((await h.call('GET', FACTORS, { token: ghost, operationId: 'getFactors' })).status).toBe(401);
    const res = await h.call('GET', FACTORS, {
      headers: { authorization: 'Basic abc' },
      operationId: 'getFactors',
    });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
  });
});

describe('DPoP-bound tokens (RFC 9449)', () => {
  async function bound() {
    const user = await newUser();
    const key = await createDpopKey();
    const token = await h.mintToken({ sub: user.user_id, jkt: key.jkt });
    const htu = `${h.issuer()}me/v1/factors`;
    return { user, key, token, htu };
  }

  it('work with a valid proof (htu without the query string)', async () => {
    const { key, token, htu } = await bound();
    const dpop = await key.proof({ htm: 'GET', htu, accessToken: token });
    const res = await h.call('GET', `${FACTORS}?x=1`, {
      token,
      scheme: 'DPoP',
      dpop,
      operationId: 'getFactors',
    });
    expect(res.status).toBe(200);
  });

  it('are refused without a proof, with a reused jti, a wrong htu/htm/ath, another key, a stale iat', async () => {
    const { key, token, htu } = await bound();
    const other = await createDpopKey();
    const reused = await key.proof({ htm: 'GET', htu, accessToken: token, jti: 'same-jti' });
    expect(
      (await h.call('GET', FACTORS, { token, scheme: 'DPoP', dpop: reused, operationId: 'getFactors' }))
        .status,
    ).toBe(200);
    const cases: Array<[string, string | undefined]> = [
      ['no proof', undefined],
      ['reused jti', await key.proof({ htm: 'GET', htu, accessToken: token, jti: 'same-jti' })],
      [
        'wrong htu',
        await key.proof({ htm: 'GET', htu: `${h.issuer('127.0.0.1')}me/v1/factors`, accessToken: token }),
      ],
      ['wrong path', await key.proof({ htm: 'GET', htu: `${h.issuer()}me/v1/consents`, accessToken: token })],
      ['wrong htm', await key.proof({ htm: 'POST', htu, accessToken: token })],
      ['no ath', await key.proof({ htm: 'GET', htu })],
      ['other key', await other.proof({ htm: 'GET', htu, accessToken: token })],
      [
        'stale iat',
        await key.proof({ htm: 'GET', htu, accessToken: token, iat: Math.floor(Date.now() / 1000) - 600 }),
      ],
      ['not a JWT', 'garbage'],
    ];
    for (const [name, dpop] of cases) {
      const res = await h.call('GET', FACTORS, { token, scheme: 'DPoP', dpop, operationId: 'getFactors' });
      expect([name, res.status]).toEqual([name, 401]);
      expect(res.headers['www-authenticate']).toMatch(/^DPoP /);
    }
  });

  it('are refused when sent as Bearer; a Bearer token is refused under the DPoP scheme', async () => {
    const { key, token, htu } = await bound();
    const asBearer = await h.call('GET', FACTORS, {
      token,
      dpop: await key.proof({ htm: 'GET', htu, accessToken: token }),
      operationId: 'getFactors',
    });
    expect(asBearer.status).toBe(401);
    const user = await newUser();
    const plain = await h.mintToken({ sub: user.user_id });
    const res = await h.call('GET', FACTORS, {
      token: plain,
      scheme: 'DPoP',
      dpop: await key.proof({ htm: 'GET', htu, accessToken: plain }),
      operationId: 'getFactors',
    });
    expect(res.status).toBe(401);
  });

  it('bind POST bodies too (htm POST on the verify URL)', async () => {
    const { key, token } = await bound();
    const htu = `${h.issuer()}me/v1/authentication-methods`;
    const res = await h.call('POST', '/me/v1/authentication-methods', {
      token,
      scheme: 'DPoP',
      dpop: await key.proof({ htm: 'POST', htu, accessToken: token }),
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
    expect(res.status).toBe(202);
  });
});

describe('DPoP nonces and required DPoP', () => {
  let strict: Harness;
  beforeAll(async () => {
    strict = await startHarness({ dpop: 'required', tuning: { dpop_nonce: true } });
  });
  afterAll(async () => {
    await strict.close();
  });

  it('asks for a nonce (401 use_dpop_nonce + DPoP-Nonce) and accepts the retry', async () => {
    const user = await strict.createUser('nonce@example.com');
    const key = await createDpopKey();
    const token = await strict.mintToken({ sub: user.user_id, jkt: key.jkt });
    const htu = `${strict.issuer()}me/v1/factors`;
    const first = await strict.call('GET', FACTORS, {
      token,
      scheme: 'DPoP',
      dpop: await key.proof({ htm: 'GET', htu, accessToken: token }),
      operationId: 'getFactors',
    });
    expect(first.status).toBe(401);
    expect(first.headers['www-authenticate']).toContain('error="use_dpop_nonce"');
    const nonce = String(first.headers['dpop-nonce']);
    expect(nonce.length).toBeGreaterThan(10);
    const retry = await strict.call('GET', FACTORS, {
      token,
      scheme: 'DPoP',
      dpop: await key.proof({ htm: 'GET', htu, accessToken: token, nonce }),
      operationId: 'getFactors',
    });
    expect(retry.status).toBe(200);
    expect(retry.headers['dpop-nonce']).toBe(nonce);
    expect(strict.contractViolations).toEqual([]);
  });

  it('refuses plain Bearer tokens when DPoP is required', async () => {
    const user = await strict.createUser('bearer@example.com');
    const token = await strict.mintToken({ sub: user.user_id });
    const res = await strict.call('GET', FACTORS, { token, operationId: 'getFactors' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^DPoP /);
  });
});
