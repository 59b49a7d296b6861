import { Secret, TOTP } from 'otpauth';
import type { ClientResponse, CookieClient } from './cookie-client.js';

const STEP_MS = 30_000;
const codeAt = (secret: string, step: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: step * STEP_MS,
  });

/**
 * The tenant accepts each TOTP code once (RFC 6238 §5.2), for the current 30 s step and one either side.
 * The steps this test process has handed out, per secret, so a second login within the same step gets
 * the next step's code instead of a replay.
 */
const handedOut = new Map<string, Set<number>>();

/**
 * The steps the tenant accepts now: the current one, the next, and the previous one while at least 10 s
 * of the current step remain (so it is still inside the window when the tenant checks it).
 */
function candidateSteps(): number[] {
  const now = Math.floor(Date.now() / STEP_MS);
  const remaining = (now + 1) * STEP_MS - Date.now();
  return remaining >= 10_000 ? [now, now + 1, now - 1] : [now, now + 1];
}

function claimStep(secret: string, candidates: number[]): number | undefined {
  const used = handedOut.get(secret) ?? new Set<number>();
  handedOut.set(secret, used);
  const step = candidates.find((s) => !used.has(s));
  if (step !== undefined) used.add(step);
  return step;
}

/**
 * A code for a base32 secret (SHA-1, 6 digits, 30 s), as an authenticator app shows it: the current one,
 * or one of a neighbouring step when this process already used the current one. For a secret used more
 * than three times within one step, use `freshTotp`, which waits.
 */
export function totpNow(secret: string): string {
  const now = Math.floor(Date.now() / STEP_MS);
  return codeAt(secret, claimStep(secret, candidateSteps()) ?? now);
}

/** A six-digit code the tenant refuses for `secret` now (none of the window's codes); claims nothing. */
export function wrongTotp(secret: string): string {
  const now = Math.floor(Date.now() / STEP_MS);
  const valid = new Set([-1, 0, 1].map((d) => codeAt(secret, now + d)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c)) as string;
}

/** A code for `secret` the tenant has not accepted from this process yet, waiting for the next step if needed. */
export async function freshTotp(secret: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / STEP_MS);
    const step = claimStep(secret, candidateSteps());
    if (step !== undefined) return codeAt(secret, step);
    await new Promise((resolve) => setTimeout(resolve, (now + 1) * STEP_MS - Date.now() + 50));
  }
}

export interface TenantCredentials {
  username: string;
  password: string;
  /** For the MFA page: a code, or a function giving one when the page is shown (e.g. `() => freshTotp(secret)`). */
  otp?: string | (() => string | Promise<string>);
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
      const otp = typeof credentials.otp === 'function' ? await credentials.otp() : credentials.otp;
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
