import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { GatewayStackOptions } from './gateway-stack.js';
import type { HopRequest } from './upstream-hop.js';

/** `myAccount.tokenType`: the same suites run once per kind of access token the BFF sends upstream. */
export type TokenMode = 'bearer' | 'dpop';

export const TOKEN_MODES: Array<[TokenMode]> = [['bearer'], ['dpop']];

/** The scheme of the BFF's upstream `Authorization` (and of the upstream's challenges) in a mode. */
export const schemeOf = (mode: TokenMode): string => (mode === 'dpop' ? 'DPoP' : 'Bearer');

/**
 * Stack options for a mode. The hop stands at the tenant's origin in both (same path for both runs). With
 * DPoP the tenant requires DPoP and its own nonces (RFC 9449 §7.1, §9), so a Bearer token cannot pass.
 */
export function withTokenMode(mode: TokenMode, options: GatewayStackOptions = {}): GatewayStackOptions {
  if (mode === 'bearer') return { ...options, hopInFront: true };
  return {
    ...options,
    hopInFront: true,
    configureTenant: (config) => {
      config.my_account_api = { ...config.my_account_api, dpop: 'required', dpop_nonce: true };
      options.configureTenant?.(config);
    },
    configure: (config) => {
      config.myAccount = { ...config.myAccount, tokenType: 'dpop' };
      options.configure?.(config);
    },
  };
}

/**
 * Every My Account call the hop saw carried the mode's credential. With DPoP: `Authorization: DPoP ...` and
 * a proof for that method whose `jti` never repeats across the whole run (a proof is never reused, RFC 9449
 * §11.1); with Bearer: no proof at all.
 */
export function expectModeOnEveryCall(mode: TokenMode, seen: HopRequest[]): void {
  expect(seen.length).toBeGreaterThan(0);
  const wrong: string[] = [];
  const jtis: string[] = [];
  for (const call of seen) {
    const label = `${call.method} ${call.url}`;
    if (!new RegExp(`^${schemeOf(mode)} \\S+$`).test(call.headers.authorization ?? '')) wrong.push(label);
    const proof = call.headers.dpop;
    if (mode === 'bearer') {
      if (proof !== undefined) wrong.push(`${label} (proof)`);
      continue;
    }
    if (typeof proof !== 'string' || decodeProtectedHeader(proof).typ !== 'dpop+jwt') {
      wrong.push(`${label} (no proof)`);
      continue;
    }
    const claims = decodeJwt(proof);
    if (claims.htm !== call.method) wrong.push(`${label} (htm ${String(claims.htm)})`);
    jtis.push(String(claims.jti));
  }
  expect(wrong).toEqual([]);
  if (mode === 'dpop') {
    expect(jtis.length).toBe(seen.length);
    expect(jtis.filter((jti, i) => jtis.indexOf(jti) !== i)).toEqual([]);
  }
}
