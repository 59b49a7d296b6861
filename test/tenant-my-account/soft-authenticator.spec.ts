import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { createSoftAuthenticator } from '../support/soft-authenticator.js';

const origin = 'http://localhost:4000';
const rpID = 'localhost';

async function registerOne(userName = 'demo@example.com') {
  const authenticator = createSoftAuthenticator();
  const options = await generateRegistrationOptions({
    rpName: 'Local tenant',
    rpID,
    userName,
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const response = await authenticator.register(options, origin);
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
  });
  return { authenticator, options, response, verification };
}

describe('soft WebAuthn authenticator', () => {
  it('produces a registration that @simplewebauthn/server verifies (fmt none, UV, resident)', async () => {
    const { authenticator, options, verification } = await registerOne();
    expect(verification.verified).toBe(true);
    expect(verification.registrationInfo?.fmt).toBe('none');
    expect(verification.registrationInfo?.userVerified).toBe(true);
    expect(authenticator.credentials).toEqual([
      expect.objectContaining({ rpId: rpID, userHandle: options.user.id, counter: 0 }),
    ]);
  });

  it('signs assertions that verify, returns the user handle and increments the counter', async () => {
    const { authenticator, options, verification } = await registerOne();
    const info = verification.registrationInfo!;
    let counter = info.credential.counter;
    for (let round = 0; round < 2; round++) {
      const request = await generateAuthenticationOptions({ rpID, userVerification: 'required' });
      const assertion = await authenticator.authenticate(request, origin);
      expect(assertion.response.userHandle).toBe(options.user.id);
      const result = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: request.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        credential: { ...info.credential, counter },
        requireUserVerification: true,
      });
      expect(result.verified).toBe(true);
      expect(result.authenticationInfo.newCounter).toBe(counter + 1);
      counter = result.authenticationInfo.newCounter;
    }
  });

  it('fails verification when the server expects another origin', async () => {
    const authenticator = createSoftAuthenticator();
    const options = await generateRegistrationOptions({ rpName: 'x', rpID, userName: 'u' });
    const response = await authenticator.register(options, origin);
    await expect(
      verifyRegistrationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: 'http://localhost:9',
        expectedRPID: rpID,
      }),
    ).rejects.toThrow(/origin/i);
  });

  it('refuses an RP id that does not belong to the origin, and excluded credentials', async () => {
    const authenticator = createSoftAuthenticator();
    const options = await generateRegistrationOptions({ rpName: 'x', rpID: 'example.com', userName: 'u' });
    await expect(authenticator.register(options, origin)).rejects.toThrow(/SecurityError/);
    const first = await authenticator.register({ ...options, rp: { name: 'x', id: rpID } }, origin);
    const again = {
      ...options,
      rp: { name: 'x', id: rpID },
      excludeCredentials: [{ id: first.id, type: 'public-key' as const }],
    };
    await expect(authenticator.register(again, origin)).rejects.toThrow(/InvalidStateError/);
  });

  it('reports no credential for an unknown RP or an allow-list it does not match', async () => {
    const { authenticator } = await registerOne();
    const request = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: 'AAAA' }] });
    await expect(authenticator.authenticate(request, origin)).rejects.toThrow(/NotAllowedError/);
  });
});
