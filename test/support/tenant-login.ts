import { Secret, TOTP } from 'otpauth';
import type { ClientResponse, CookieClient } from './cookie-client.js';

/** The current RFC 6238 code for a base32 secret (SHA-1, 6 digits, 30 s), as an authenticator app shows it. */
export function totpNow(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
}

export interface TenantCredentials {
  username: string;
  password: string;
  /** For the MFA page: a code, or a function giving one when the page is shown (e.g. `() => totpNow(secret)`). */
  otp?: string | (() => string);
}

const MAX_STEPS = 20;

function pageError(page: ClientResponse): string | undefined {
  const m = /<p class="error"[^>]*>([\s\S]*?)<\/p>/.exec(page.body);
  return m?.[1];
}

/**
 * Drives the local tenant's login from an /authorize URL: the login page (username, password), the MFA
 * page when shown (otp), the consent page when shown (allow), following the tenant's redirects. Stops at
 * the first redirect that leaves the tenant's origin (the client's redirect_uri, with `code` or `error`)
 * and returns that URL without fetching it. Throws when a page re-renders with an error or is unexpected.
 */
export async function completeTenantLogin(
  client: CookieClient,
  authorizeUrl: string | URL,
  credentials: TenantCredentials,
): Promise<string> {
  const tenantOrigin = new URL(authorizeUrl).origin;
  let response = await client.get(authorizeUrl);
  let credentialsSent = false;
  for (let step = 0; step < MAX_STEPS; step++) {
    if (response.location && response.status >= 300 && response.status < 400) {
      if (new URL(response.location).origin !== tenantOrigin) return response.location;
      response = await client.get(response.location);
      continue;
    }
    if (response.status >= 400)
      throw new Error(
        `Tenant login failed at ${response.url}: ${response.status} ${pageError(response) ?? response.body.slice(0, 300)}`,
      );
    if (/name="password"/.test(response.body)) {
      if (credentialsSent)
        throw new Error(`Tenant login shown twice: ${pageError(response) ?? 'unexpected'}`);
      credentialsSent = true;
      response = await client.submitForm(response, {
        username: credentials.username,
        password: credentials.password,
      });
    } else if (/name="otp"/.test(response.body)) {
      if (credentials.otp === undefined)
        throw new Error('The tenant asked for a second factor (MFA page) but no otp was given');
      const otp = typeof credentials.otp === 'function' ? credentials.otp() : credentials.otp;
      response = await client.submitForm(
        response,
        { otp },
        { submitter: { name: 'action', value: 'verify' } },
      );
    } else if (/value="allow"/.test(response.body)) {
      response = await client.submitForm(response, {}, { submitter: { name: 'action', value: 'allow' } });
    } else {
      throw new Error(
        `Unexpected tenant page at ${response.url} (${response.status}): ${response.body.slice(0, 300)}`,
      );
    }
  }
  throw new Error(`Tenant login did not finish within ${MAX_STEPS} steps`);
}
