import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { accessTokenHash, buildHtu, DpopKey, isDpopNonceChallenge, readDpopNonce } from './dpop.js';

const AT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.sig';
const URL_ = 'https://tenant.example.com/me/v1/authentication-methods/totp%7Cdev_1';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

describe('DPoP proofs (RFC 9449)', () => {
  let key: DpopKey;
  beforeAll(async () => {
    key = await DpopKey.generate();
  });

  it('DP-1: header typ dpop+jwt, alg ES256, public jwk only, and the signature verifies with it', async () => {
    const proof = await key.proof({ htm: 'GET', htu: URL_, accessToken: AT });
    const header = decodeProtectedHeader(proof);
    expect(header.typ).toBe('dpop+jwt');
    expect(header.alg).toBe('ES256');
    expect(header.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) });
    for (const member of PRIVATE_MEMBERS) expect(header.jwk).not.toHaveProperty(member);
    await expect(
      jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] }),
    ).resolves.toBeDefined();
  });

  it('DP-2: jti of at least 96 random bits, htm, htu without query and fragment, iat now', async () => {
    const before = Math.floor(Date.now() / 1000);
    const claims = decodeJwt(await key.proof({ htm: 'POST', htu: `${URL_}/verify?a=b#c`, accessToken: AT }));
    expect(Buffer.from(claims.jti!, 'base64url').length).toBeGreaterThanOrEqual(12);
    expect(claims.htm).toBe('POST');
    expect(claims.htu).toBe(`${URL_}/verify`);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(Object.keys(claims).sort()).toEqual(['ath', 'htm', 'htu', 'iat', 'jti']);
  });

  it('DP-2/DP-6: the same request twice gets two different jti', async () => {
    const factory = key.proofFactory(AT);
    const a = decodeJwt(await factory({ htm: 'GET', htu: URL_ }));
    const b = decodeJwt(await factory({ htm: 'GET', htu: URL_ }));
    expect(a.jti).not.toBe(b.jti);
  });

  it('DP-3: ath is base64url SHA-256 of the access token (RFC 9449 §7.1 example) and absent without one', async () => {
    expect(accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe(
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    );
    const claims = decodeJwt(await key.proof({ htm: 'GET', htu: URL_, accessToken: AT }));
    expect(claims.ath).toBe(createHash('sha256').update(AT).digest('base64url'));
    expect(
      decodeJwt(await key.proof({ htm: 'POST', htu: 'https://tenant.example.com/oauth/token' })),
    ).not.toHaveProperty('ath');
  });

  it('DP-4: htu is the upstream URL given, with its path prefix and encoding kept', async () => {
    const claims = decodeJwt(
      await key.proof({ htm: 'GET', htu: 'https://t.example.com/me/v1/authentication-methods/a%7Cb?type=x' }),
    );
    expect(claims.htu).toBe('https://t.example.com/me/v1/authentication-methods/a%7Cb');
  });

  it('DP-5: carries the server nonce when given, none otherwise', async () => {
    const factory = key.proofFactory(AT);
    expect(decodeJwt(await factory({ htm: 'GET', htu: URL_, nonce: 'n-1' })).nonce).toBe('n-1');
    expect(decodeJwt(await factory({ htm: 'GET', htu: URL_ }))).not.toHaveProperty('nonce');
  });

  it('exports a private JWK for storage and rebuilds the same key from it', async () => {
    const stored = await key.exportPrivateJwk();
    expect(Object.keys(stored).sort()).toEqual(['crv', 'd', 'kty', 'x', 'y']);
    const again = await DpopKey.fromPrivateJwk(stored);
    expect(again.publicJwk).toEqual(key.publicJwk);
    expect(await again.thumbprint()).toBe(await key.thumbprint());
    expect(await key.thumbprint()).toBe(await calculateJwkThumbprint({ ...key.publicJwk }));
    const proof = await again.proof({ htm: 'GET', htu: URL_ });
    const { protectedHeader } = await jwtVerify(proof, EmbeddedJWK);
    expect(protectedHeader.jwk).toEqual(key.publicJwk);
  });

  it('gives every session its own key', async () => {
    expect((await DpopKey.generate()).publicJwk).not.toEqual(key.publicJwk);
  });

  it.each([
    ['a public key', { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }],
    ['another curve', { kty: 'EC', crv: 'P-384', x: 'x', y: 'y', d: 'd' }],
    ['an RSA key', { kty: 'RSA', n: 'n', e: 'AQAB', d: 'd' }],
    ['a symmetric key', { kty: 'oct', k: 'c2VjcmV0' }],
  ])('refuses to load %s', async (_name, jwk) => {
    await expect(DpopKey.fromPrivateJwk(jwk)).rejects.toThrow('A DPoP key must be a P-256 private JWK');
  });

  it.each([
    ['https://a.example/me/v1/x?q=1#f', 'https://a.example/me/v1/x'],
    ['https://A.EXAMPLE:443/me/v1/x', 'https://a.example/me/v1/x'],
    ['http://localhost:4000/me/v1/factors', 'http://localhost:4000/me/v1/factors'],
  ])('buildHtu(%s) = %s', (url, htu) => {
    expect(buildHtu(url)).toBe(htu);
  });
});

describe('DPoP nonce signals', () => {
  it.each([
    [
      401,
      'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
      true,
    ],
    [401, 'dpop error=use_dpop_nonce', true],
    [401, 'Bearer realm="x", DPoP algs="ES256", error="use_dpop_nonce"', true],
    [401, ['Bearer realm="x"', 'DPoP error="use_dpop_nonce"'], true],
    [400, 'DPoP error="use_dpop_nonce"', false],
    [401, 'Bearer error="use_dpop_nonce"', false],
    [401, 'DPoP error="invalid_token"', false],
    [401, 'DPoP error="use_dpop_nonce_x"', false],
    [401, undefined, false],
    [401, '', false],
  ])('status %s with %j → %s', (status, header, expected) => {
    expect(isDpopNonceChallenge(status, header)).toBe(expected);
  });

  it.each([
    ['eyJ7S_zG.9NiGnmD1', 'eyJ7S_zG.9NiGnmD1'],
    ['n-1', 'n-1'],
    ['', undefined],
    ['has space', undefined],
    ['quote"d', undefined],
    ['back\\slash', undefined],
    ['x'.repeat(513), undefined],
    [undefined, undefined],
    [['a', 'b'], undefined],
  ])('readDpopNonce(%j) = %j', (value, expected) => {
    expect(readDpopNonce(value)).toBe(expected);
  });
});
