/** Words for dates, methods and devices. Pure functions: unit-tested in `format.spec.ts`. */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "2 minutes ago", "in 5 minutes", "just now". */
export function relativeTime(iso: string, now: number = Date.now(), locale?: string): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'at an unknown time';
  const seconds = Math.round((then - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale ?? 'en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'minute') return rtf.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

export interface MfaFreshness {
  fresh: boolean;
  text: string;
}

/** From `GET /api/session`'s `mfa`: is a change possible without re-verifying, and how to say it. */
export function describeMfa(
  mfa: { last_mfa_at: string | null; fresh_until: string | null },
  now = Date.now(),
): MfaFreshness {
  const until = mfa.fresh_until ? Date.parse(mfa.fresh_until) : NaN;
  if (mfa.last_mfa_at && !Number.isNaN(until) && until > now) {
    return { fresh: true, text: `Verified ${relativeTime(mfa.last_mfa_at, now)}` };
  }
  if (mfa.last_mfa_at) {
    return {
      fresh: false,
      text: `Verified ${relativeTime(mfa.last_mfa_at, now)}: re-verify needed for changes`,
    };
  }
  return { fresh: false, text: 'Re-verify needed for changes' };
}

const METHOD_LABELS: Record<string, string> = {
  passkey: 'Passkey',
  totp: 'Authenticator app',
  email: 'Email',
  phone: 'Phone',
  'recovery-code': 'Recovery code',
  password: 'Password',
  'push-notification': 'Push notifications',
  'webauthn-platform': 'Device biometrics',
  'webauthn-roaming': 'Security key',
};

export function methodLabel(type: string): string {
  return METHOD_LABELS[type] ?? type;
}

/** The fields of `AuthenticationMethod` (My Account OAS) that the page shows. */
export interface AuthenticationMethod {
  id: string;
  type: string;
  confirmed?: boolean;
  name?: string;
  email?: string;
  phone_number?: string;
  preferred_authentication_method?: string;
  user_agent?: string;
  created_at: string;
  last_auth_at?: string;
}

/** The line under a method's label: its own name (unless it only repeats the label), else what identifies it. */
export function methodDetail(m: AuthenticationMethod): string {
  if (m.name && m.name !== methodLabel(m.type)) return m.name;
  if (m.type === 'email' && m.email) return m.email;
  if (m.type === 'phone' && m.phone_number) {
    return m.preferred_authentication_method === 'voice' ? `${m.phone_number} (voice call)` : m.phone_number;
  }
  if (m.type === 'passkey' && m.user_agent) return `Created on ${describeUserAgent(m.user_agent)}`;
  return '';
}

/** Unconfirmed methods (enrolment started, never verified) are not the user's methods yet. */
export function visibleMethods(methods: AuthenticationMethod[]): AuthenticationMethod[] {
  return methods.filter((m) => m.confirmed !== false);
}

/** Password and recovery codes have no name of their own to change. */
export function canRename(m: AuthenticationMethod): boolean {
  return m.type !== 'password' && m.type !== 'recovery-code';
}

/** "Chrome on Linux" from a User-Agent string; the raw string when nothing is recognised. */
export function describeUserAgent(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser =
    [
      [/Edg[/ ]\d/, 'Edge'],
      [/OPR[/ ]\d/, 'Opera'],
      [/Firefox[/ ]\d/, 'Firefox'],
      [/Chrom(e|ium)[/ ]\d/, 'Chrome'],
      [/Safari[/ ]\d/, 'Safari'],
      [/^curl\//, 'curl'],
    ].find(([re]) => (re as RegExp).test(ua))?.[1] ?? null;
  const os =
    [
      [/Android/, 'Android'],
      [/iPhone|iPad|iPod/, 'iOS'],
      [/Windows/, 'Windows'],
      [/Mac OS X|Macintosh/, 'macOS'],
      [/CrOS/, 'ChromeOS'],
      [/Linux/, 'Linux'],
    ].find(([re]) => (re as RegExp).test(ua))?.[1] ?? null;
  if (browser && os) return `${browser} on ${os}`;
  return (browser as string | null) ?? (os as string | null) ?? ua.slice(0, 60);
}

/** "JBSW Y3DP EHPK 3PXP": easier to type into an authenticator app. */
export function groupCode(code: string, size = 4): string {
  return (code.match(new RegExp(`.{1,${size}}`, 'g')) ?? []).join(' ');
}
