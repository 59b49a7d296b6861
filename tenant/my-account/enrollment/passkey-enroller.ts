import { randomBytes } from 'node:crypto';
import type { StoredPasskey } from '../../accounts/account.types.js';
import {
  passkeyCreationOptions,
  storedPasskey,
  verifyPasskeyRegistration,
  type PasskeyRegistration,
} from '../../oidc/passkey-registration.js';
import type { TenantContext } from '../../tenant-context.js';
import { badRequest } from '../http/api-error.js';
import { PENDING_PASSKEY_ID } from '../methods/method-ids.js';
import type { Enroller } from './enroller.js';
import { assertOwnIdentity } from './identity-check.js';

/** The relying party id: `my_account_api.rp_id`, else the host the request arrived on. */
export function passkeyRpId(ctx: TenantContext, issuer: string): string {
  return ctx.config.my_account_api.rp_id ?? new URL(issuer).hostname;
}

/** Origins a passkey may be created from: the clients' Allowed Web Origins and the tenant's own hosts. */
export function passkeyOrigins(ctx: TenantContext): string[] {
  const all = [...ctx.config.clients.flatMap((c) => c.web_origins), ...ctx.issuers].map(
    (u) => new URL(u).origin,
  );
  return [...new Set(all)];
}

function attestationFailed(detail: string) {
  return badRequest('invalid_attestation', `The passkey could not be verified: ${detail}`, [
    {
      detail: `authn_response ${detail}`,
      field: 'authn_response',
      pointer: '/authn_response',
      source: 'body',
    },
  ]);
}

async function verifyAttestation(
  body: Record<string, unknown>,
  data: Record<string, unknown>,
): Promise<PasskeyRegistration> {
  try {
    return await verifyPasskeyRegistration(body.authn_response as Record<string, unknown>, {
      challenge: data.challenge as string,
      origins: data.origins as string[],
      rpId: data.rp_id as string,
    });
  } catch (err) {
    throw attestationFailed((err as Error).message);
  }
}

/**
 * Passkey enrollment (WebAuthn L3 §7.1): no id until verified (`passkey|new`), the attestation is
 * checked with @simplewebauthn/server against the challenge, the RP id and the allowed origins.
 */
export const passkeyEnroller: Enroller = {
  type: 'passkey',
  async start({ ctx, account, issuer }, body) {
    assertOwnIdentity(account, body);
    const rpId = passkeyRpId(ctx, issuer);
    const challenge = randomBytes(32).toString('base64url');
    const userHandle = Buffer.from(account.user_id).toString('base64url');
    const existing = account.methods.filter((m): m is StoredPasskey => m.type === 'passkey' && m.confirmed);
    const options = passkeyCreationOptions(
      challenge,
      { id: rpId, name: ctx.config.tenant.friendly_name },
      { handle: userHandle, name: account.email, displayName: account.name },
    );
    if (body.use_exclude_credentials === true) {
      options.excludeCredentials = existing.map((p) => ({
        id: p.key_id,
        type: 'public-key',
        ...(p.transports ? { transports: p.transports } : {}),
      }));
    }
    const data = { challenge, rp_id: rpId, origins: passkeyOrigins(ctx), user_handle: userHandle };
    return { methodId: PENDING_PASSKEY_ID, data, response: { authn_params_public_key: options } };
  },
  async verify({ account, req }, session, body) {
    const info = await verifyAttestation(body, session.data);
    if (account.methods.some((m) => m.type === 'passkey' && m.key_id === info.credential.id)) {
      throw attestationFailed('is a credential that is already enrolled');
    }
    const userAgent = req.headers['user-agent']?.slice(0, 256);
    const passkey = storedPasskey(info, {
      userHandle: session.data.user_handle as string,
      rpId: session.data.rp_id as string,
      transports: (body.authn_response as { response?: { transports?: string[] } }).response?.transports,
      userAgent,
    });
    return (current) => {
      current.methods.push(passkey);
      return passkey.id;
    };
  },
};
