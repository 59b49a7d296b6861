import { generateKeyPair, SignJWT, exportJWK } from 'jose';
import { expectModeOnEveryCall } from './token-modes.js';
import type { HopRequest } from './upstream-hop.js';

/** The per-mode check must fail on the mistakes it exists to catch, not only pass on a good run. */
describe('expectModeOnEveryCall', () => {
  let sign: (jti: string, htm?: string) => Promise<string>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    sign = (jti, htm = 'GET') =>
      new SignJWT({ htm, htu: 'http://localhost/me/v1/factors', jti })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setIssuedAt()
        .sign(privateKey);
  });

  const call = (authorization: string, dpop?: string): HopRequest => ({
    method: 'GET',
    url: '/me/v1/factors',
    headers: dpop === undefined ? { authorization } : { authorization, dpop },
    body: Buffer.alloc(0),
  });

  it('passes DPoP calls with fresh proofs and Bearer calls without one', async () => {
    expectModeOnEveryCall('dpop', [call('DPoP at1', await sign('a')), call('DPoP at1', await sign('b'))]);
    expectModeOnEveryCall('bearer', [call('Bearer at1')]);
  });

  it('fails on a reused proof, a Bearer token or a missing proof in DPoP mode, a wrong htm', async () => {
    const [proof, other, post] = [await sign('same'), await sign('c'), await sign('d', 'POST')];
    const check = (calls: HopRequest[]) => () => expectModeOnEveryCall('dpop', calls);
    expect(check([call('DPoP at1', proof), call('DPoP at1', proof)])).toThrow();
    expect(check([call('Bearer at1', other)])).toThrow();
    expect(check([call('DPoP at1')])).toThrow();
    expect(check([call('DPoP at1', post)])).toThrow();
  });

  it('fails on a proof or a DPoP token in Bearer mode, and on a run with no call', async () => {
    const proof = await sign('e');
    const check = (calls: HopRequest[]) => () => expectModeOnEveryCall('bearer', calls);
    expect(check([call('Bearer at1', proof)])).toThrow();
    expect(check([call('DPoP at1')])).toThrow();
    expect(check([])).toThrow();
  });
});
