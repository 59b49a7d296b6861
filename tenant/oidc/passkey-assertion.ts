import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Account } from '../accounts/account.types.js';
import { confirmedPasskeys } from '../accounts/login-factors.js';
import { passkeyOrigins, passkeyRpId } from '../my-account/enrollment/passkey-enroller.js';
import type { TenantContext } from '../tenant-context.js';

/**
 * Verifies a WebAuthn assertion (WebAuthn L3 §7.2) against one of the account's stored passkeys: the
 * challenge we issued, the RP id the passkeys were made for, an allowed origin, the signature and counter.
 * On success the counter and `last_auth_at` are saved. Returns the passkey id, or undefined.
 */
export async function verifyPasskeyAssertion(
  tenant: TenantContext,
  account: Account,
  issuer: string,
  response: AuthenticationResponseJSON,
  challenge: string,
): Promise<string | undefined> {
  const passkey = confirmedPasskeys(account).find((p) => p.key_id === response.id);
  if (!passkey) return undefined;
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: passkeyOrigins(tenant),
      expectedRPID: [passkey.relying_party_id, passkeyRpId(tenant, issuer)],
      credential: {
        id: passkey.key_id,
        publicKey: Buffer.from(passkey.public_key, 'base64url'),
        counter: passkey.counter,
        transports: passkey.transports,
      },
      requireUserVerification: false,
    });
    if (!result.verified) return undefined;
    await tenant.accounts.update(account.user_id, (current) => {
      const stored = current.methods.find((m) => m.id === passkey.id);
      if (stored && 'counter' in stored) {
        stored.counter = result.authenticationInfo.newCounter;
        stored.last_auth_at = new Date().toISOString();
      }
    });
    return passkey.id;
  } catch {
    return undefined;
  }
}

export function parseAssertion(value: unknown): AuthenticationResponseJSON | undefined {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const candidate = parsed as Partial<AuthenticationResponseJSON>;
  if (typeof candidate.id !== 'string' || !candidate.response || typeof candidate.response !== 'object')
    return undefined;
  return {
    clientExtensionResults: {},
    type: 'public-key',
    rawId: candidate.id,
    ...candidate,
  } as AuthenticationResponseJSON;
}
