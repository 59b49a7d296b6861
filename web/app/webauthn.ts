/**
 * WebAuthn glue between the My Account / passkey-login JSON (base64url strings) and the browser's
 * `navigator.credentials` (ArrayBuffers). WebAuthn L3 §5.1.8-5.1.10 (`parse*OptionsFromJSON`, `toJSON`) are used
 * when the browser has them; the manual decoding is the fallback.
 */

export function base64urlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const b64 = value
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(value.length / 4) * 4, '=');
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64url(value: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    value instanceof ArrayBuffer
      ? new Uint8Array(value)
      : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

type JsonObject = Record<string, unknown>;
interface JsonDescriptor {
  id: string;
  type: string;
  transports?: string[];
}

const withFromJson = () =>
  PublicKeyCredential as unknown as {
    parseCreationOptionsFromJSON?: (o: unknown) => PublicKeyCredentialCreationOptions;
    parseRequestOptionsFromJSON?: (o: unknown) => PublicKeyCredentialRequestOptions;
  };

const decodeDescriptors = (list: unknown) =>
  Array.isArray(list)
    ? (list as JsonDescriptor[]).map(
        (d) => ({ ...d, id: base64urlToBytes(d.id) }) as PublicKeyCredentialDescriptor,
      )
    : undefined;

/** `authn_params_public_key` (My Account `POST /authentication-methods`, type passkey) → creation options. */
export function toCreationOptions(json: JsonObject): PublicKeyCredentialCreationOptions {
  const parse = withFromJson().parseCreationOptionsFromJSON;
  if (parse) return parse(json);
  const user = json.user as { id: string; name: string; displayName: string };
  const options = {
    ...json,
    challenge: base64urlToBytes(json.challenge as string),
    user: { ...user, id: base64urlToBytes(user.id) },
  } as unknown as PublicKeyCredentialCreationOptions;
  const exclude = decodeDescriptors(json.excludeCredentials);
  if (exclude) options.excludeCredentials = exclude;
  return options;
}

/** Passkey-login challenge options (`rpId`, `challenge`, ...) → request options. */
export function toRequestOptions(json: JsonObject): PublicKeyCredentialRequestOptions {
  const parse = withFromJson().parseRequestOptionsFromJSON;
  if (parse) return parse(json);
  const options = {
    ...json,
    challenge: base64urlToBytes(json.challenge as string),
  } as unknown as PublicKeyCredentialRequestOptions;
  const allow = decodeDescriptors(json.allowCredentials);
  if (allow) options.allowCredentials = allow;
  return options;
}

/**
 * The `authn_response` for My Account's passkey `verify`, built by hand: its OAS declares `response` with
 * `additionalProperties: false`, so the extra members of `PublicKeyCredential.toJSON()` (publicKey,
 * authenticatorData, ...) would be refused.
 */
export function attestationJson(cred: PublicKeyCredential): JsonObject {
  const res = cred.response as AuthenticatorAttestationResponse;
  const transports = typeof res.getTransports === 'function' ? res.getTransports() : [];
  const response: JsonObject = {
    clientDataJSON: bytesToBase64url(res.clientDataJSON),
    attestationObject: bytesToBase64url(res.attestationObject),
  };
  if (transports.length) response.transports = transports;
  const out: JsonObject = { id: cred.id, rawId: bytesToBase64url(cred.rawId), type: cred.type, response };
  if (cred.authenticatorAttachment) out.authenticatorAttachment = cred.authenticatorAttachment;
  return out;
}

/** The assertion for the passkey login grant (`authn_response` of `urn:okta:params:oauth:grant-type:webauthn`). */
export function assertionJson(cred: PublicKeyCredential): JsonObject {
  const res = cred.response as AuthenticatorAssertionResponse;
  const response: JsonObject = {
    authenticatorData: bytesToBase64url(res.authenticatorData),
    clientDataJSON: bytesToBase64url(res.clientDataJSON),
    signature: bytesToBase64url(res.signature),
  };
  if (res.userHandle) response.userHandle = bytesToBase64url(res.userHandle);
  const out: JsonObject = { id: cred.id, rawId: bytesToBase64url(cred.rawId), type: cred.type, response };
  if (cred.authenticatorAttachment) out.authenticatorAttachment = cred.authenticatorAttachment;
  out.clientExtensionResults = cred.getClientExtensionResults();
  return out;
}

export function hasWebAuthn(): boolean {
  return typeof globalThis.PublicKeyCredential === 'function' && !!navigator.credentials;
}
