import { z } from 'zod';
import { InvalidRequest } from '../http/bff-error.js';

const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** The opaque handle `POST /api/login/passkey/challenge` gave out (32 random bytes, base64url). */
export const PASSKEY_HANDLE = /^[A-Za-z0-9_-]{43}$/;

/**
 * `POST /api/login/passkey`: the handle and the assertion as `PublicKeyCredential.toJSON()` gives it
 * (WebAuthn L3 §5.1 `AuthenticationResponseJSON`). Strict: an unknown member is a 400, not forwarded.
 */
const passkeyLoginBody = z
  .object({
    handle: z.string().regex(PASSKEY_HANDLE, 'must be the handle of a passkey challenge'),
    authn_response: z
      .object({
        id: base64url(1024),
        rawId: base64url(1024),
        type: z.literal('public-key'),
        authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullable().optional(),
        response: z
          .object({
            clientDataJSON: base64url(4096),
            authenticatorData: base64url(4096),
            signature: base64url(1024),
            userHandle: base64url(1024).nullable().optional(),
          })
          .strict(),
        clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  })
  .strict();

/** `POST /api/login/password`. Lengths bound what reaches the tenant; the password is never logged. */
const passwordLoginBody = z
  .object({
    username: z.string().trim().min(1).max(320),
    password: z.string().min(1).max(1024),
  })
  .strict();

export type PasskeyLoginBody = z.output<typeof passkeyLoginBody>;
export type PasswordLoginBody = z.output<typeof passwordLoginBody>;

/** Parses or throws 400 `invalid_request` naming every wrong member (never echoing a value). */
function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? null);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'body';
    return issue.code === 'unrecognized_keys'
      ? `${where}: unknown member ${issue.keys.join(', ')}`
      : `${where}: ${issue.message}`;
  });
  throw new InvalidRequest(`The body is not valid: ${problems.join('; ')}`);
}

export const parsePasskeyLogin = (body: unknown) => parse(passkeyLoginBody, body);
export const parsePasswordLogin = (body: unknown) => parse(passwordLoginBody, body);

/** `POST /api/login/passkey/challenge` takes no parameters: no body, or `{}`. */
export function assertEmptyBody(body: unknown): void {
  const empty =
    body === undefined ||
    (typeof body === 'object' && body !== null && !Array.isArray(body) && !Object.keys(body).length);
  if (!empty) throw new InvalidRequest('This endpoint takes no parameters: send {} or no body.');
}
