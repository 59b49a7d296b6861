import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/**
 * A software WebAuthn authenticator (a "platform passkey") for tests that run without a browser.
 * It does what a CTAP2 authenticator plus the browser's WebAuthn client do (WebAuthn L3 §6, §5.1.3/§5.1.4):
 * ES256 keys, `none` attestation, discoverable (resident) credentials that keep the user handle, flags
 * UP|UV (|AT on registration), a signature counter that grows on every assertion, and the origin / RP id
 * checks a browser applies before talking to the authenticator.
 */

const ES256 = -7;
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface SoftCredential {
  /** Credential id, base64url. */
  readonly id: string;
  readonly rpId: string;
  /** The user handle given at registration (`user.id` of the creation options), base64url. */
  readonly userHandle: string;
  readonly counter: number;
}

export interface SoftAuthenticator {
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    origin: string,
  ): Promise<RegistrationResponseJSON>;
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    origin: string,
  ): Promise<AuthenticationResponseJSON>;
  /** The resident credentials it holds. */
  readonly credentials: readonly SoftCredential[];
}

export interface SoftAuthenticatorOptions {
  /** Whether user verification succeeds (UV flag). Default true. */
  userVerified?: boolean;
}

interface StoredCredential {
  id: Buffer;
  rpId: string;
  userHandle: string;
  privateKey: KeyObject;
  counter: number;
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

/** A browser only lets an origin use its own host name, or a registrable suffix of it, as RP id. */
function assertRpIdAllowed(rpId: string, origin: string): void {
  const host = new URL(origin).hostname;
  if (host !== rpId && !host.endsWith(`.${rpId}`)) {
    throw new Error(`SecurityError: RP id "${rpId}" is not valid for origin ${origin}`);
  }
}

function coseEc2PublicKey(privateKey: KeyObject): Uint8Array {
  const jwk = privateKey.export({ format: 'jwk' });
  // RFC 9053 §7.1.1: kty 2 (EC2), alg -7, crv 1 (P-256), x, y.
  const map = new Map<number, number | Uint8Array>([
    [1, 2],
    [3, ES256],
    [-1, 1],
    [-2, Buffer.from(jwk.x as string, 'base64url')],
    [-3, Buffer.from(jwk.y as string, 'base64url')],
  ]);
  return isoCBOR.encode(map);
}

function authenticatorData(rpId: string, flags: number, counter: number, attested?: Buffer): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, attested ?? Buffer.alloc(0)]);
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

export function createSoftAuthenticator(options: SoftAuthenticatorOptions = {}): SoftAuthenticator {
  const store: StoredCredential[] = [];
  const uvFlag = options.userVerified === false ? 0 : FLAG_UV;

  async function register(
    opts: PublicKeyCredentialCreationOptionsJSON,
    origin: string,
  ): Promise<RegistrationResponseJSON> {
    const rpId = opts.rp.id ?? new URL(origin).hostname;
    assertRpIdAllowed(rpId, origin);
    if (!opts.pubKeyCredParams.some((p) => p.type === 'public-key' && p.alg === ES256)) {
      throw new Error('NotSupportedError: the relying party does not accept ES256');
    }
    const excluded = new Set((opts.excludeCredentials ?? []).map((c) => c.id));
    if (store.some((c) => c.rpId === rpId && excluded.has(b64url(c.id)))) {
      throw new Error('InvalidStateError: the authenticator already holds an excluded credential');
    }
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = randomBytes(32);
    const credIdLength = Buffer.alloc(2);
    credIdLength.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), credIdLength, id, coseEc2PublicKey(privateKey)]);
    const authData = authenticatorData(rpId, FLAG_UP | uvFlag | FLAG_AT, 0, attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', authData],
      ]),
    );
    // A newer credential for the same user handle on the same RP replaces the old one (CTAP2 §6.1.2 step 7).
    const sameUser = store.findIndex((c) => c.rpId === rpId && c.userHandle === opts.user.id);
    if (sameUser >= 0) store.splice(sameUser, 1);
    store.push({ id, rpId, userHandle: opts.user.id, privateKey, counter: 0 });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData('webauthn.create', opts.challenge, origin)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
    };
  }

  function pickCredential(opts: PublicKeyCredentialRequestOptionsJSON, rpId: string): StoredCredential {
    const allowed = new Set((opts.allowCredentials ?? []).map((c) => c.id));
    const candidates = store.filter(
      (c) => c.rpId === rpId && (allowed.size === 0 || allowed.has(b64url(c.id))),
    );
    const chosen = candidates.at(-1);
    if (!chosen) throw new Error(`NotAllowedError: no credential for RP id "${rpId}"`);
    return chosen;
  }

  async function authenticate(
    opts: PublicKeyCredentialRequestOptionsJSON,
    origin: string,
  ): Promise<AuthenticationResponseJSON> {
    const rpId = opts.rpId ?? new URL(origin).hostname;
    assertRpIdAllowed(rpId, origin);
    const credential = pickCredential(opts, rpId);
    credential.counter += 1;
    const authData = authenticatorData(rpId, FLAG_UP | uvFlag, credential.counter);
    const clientDataJSON = clientData('webauthn.get', opts.challenge, origin);
    // WebAuthn §6.3.3: the signature covers authenticatorData || SHA-256(clientDataJSON); ES256 in DER.
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(clientDataJSON)]),
      credential.privateKey,
    );
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
    };
  }

  return {
    register,
    authenticate,
    get credentials() {
      return store.map((c) => ({
        id: b64url(c.id),
        rpId: c.rpId,
        userHandle: c.userHandle,
        counter: c.counter,
      }));
    },
  };
}
