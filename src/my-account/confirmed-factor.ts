/** Method types that can answer an MFA prompt (my-account-api.md §5.1); passkeys and passwords are primary. */
const MFA_TYPES = new Set([
  'totp',
  'phone',
  'email',
  'push-notification',
  'recovery-code',
  'webauthn-platform',
  'webauthn-roaming',
]);

/**
 * Reads a `GET /authentication-methods` body and says whether the user has a confirmed MFA factor, for the
 * first-factor rule (docs/architecture.md#the-my-account-proxy). Undefined when the body is not the
 * documented shape: the step-up policy then assumes a factor exists and asks for MFA (fail closed).
 */
export function hasConfirmedMfaFactor(body: unknown): boolean | undefined {
  const methods = (body as { authentication_methods?: unknown } | null)?.authentication_methods;
  if (!Array.isArray(methods)) return undefined;
  return methods.some((method: { type?: unknown; confirmed?: unknown; usage?: unknown }) => {
    if (method === null || typeof method !== 'object' || method.confirmed !== true) return false;
    return (
      MFA_TYPES.has(String(method.type)) ||
      (Array.isArray(method.usage) && method.usage.includes('secondary'))
    );
  });
}
