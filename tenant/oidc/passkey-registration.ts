import {
  verifyRegistrationResponse,
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { newMethodIdSuffix } from '../accounts/account-store.js';
import type { StoredPasskey } from '../accounts/account.types.js';

/**
 * Creating a passkey (WebAuthn L3 §7.1), shared by the My Account API's enrollment and the passkey
 * signup (`/passkey/register` + the webauthn grant): the creation options Auth0 hands out, the
 * attestation check with @simplewebauthn/server (challenge, RP id, allowed origins; `none` attestation
 * accepted, user verification preferred, not required), and the stored method.
 */

/** EdDSA, ES256, RS256: the algorithms in Auth0's creation options. */
export const PASSKEY_ALGORITHMS = [-8, -7, -257];
const TIMEOUT_MS = 60_000;

export type PasskeyRegistration = NonNullable<VerifiedRegistrationResponse['registrationInfo']>;

export interface PasskeyUser {
  /** The WebAuthn user handle (base64url of the user id). */
  handle: string;
  name: string;
  displayName: string;
}

export function passkeyCreationOptions(
  challenge: string,
  rp: { id: string; name: string },
  user: PasskeyUser,
): Record<string, unknown> {
  return {
    challenge,
    rp,
    user: { id: user.handle, name: user.name, displayName: user.displayName },
    pubKeyCredParams: PASSKEY_ALGORITHMS.map((alg) => ({ type: 'public-key', alg })),
    timeout: TIMEOUT_MS,
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  };
}

/** The verified registration; throws an Error saying what is wrong otherwise. */
export async function verifyPasskeyRegistration(
  authnResponse: Record<string, unknown>,
  expected: { challenge: string; origins: string[]; rpId: string },
): Promise<PasskeyRegistration> {
  const response = { clientExtensionResults: {}, ...authnResponse } as unknown as RegistrationResponseJSON;
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: expected.challenge,
    expectedOrigin: expected.origins,
    expectedRPID: expected.rpId,
    requireUserVerification: false,
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
  if (!result.verified || !result.registrationInfo) throw new Error('was not verified');
  return result.registrationInfo;
}

export function storedPasskey(
  info: PasskeyRegistration,
  options: { userHandle: string; rpId: string; transports?: string[]; userAgent?: string },
): StoredPasskey {
  return {
    id: `passkey|${newMethodIdSuffix()}`,
    type: 'passkey',
    confirmed: true,
    created_at: new Date().toISOString(),
    key_id: info.credential.id,
    public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: info.credential.transports ?? options.transports,
    user_handle: options.userHandle,
    credential_device_type: info.credentialDeviceType === 'multiDevice' ? 'multi_device' : 'single_device',
    credential_backed_up: info.credentialBackedUp,
    aaguid: info.aaguid,
    ...(options.userAgent ? { user_agent: options.userAgent } : {}),
    relying_party_id: options.rpId,
  };
}
