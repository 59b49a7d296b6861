/** What the scripted BFF starts with: the demo user's session, methods, accounts and sessions. */
import type { ActiveSession, ProblemBody, SessionInfo } from '../../../src/public-api.types.js';

export interface Method {
  id: string;
  type: string;
  confirmed?: boolean;
  name?: string;
  email?: string;
  created_at: string;
  last_auth_at?: string;
}

export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
export const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
export const GOOD_CODE = '123456';
export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

export function signedInSession(fresh: boolean): SessionInfo {
  return {
    user: { sub: 'auth0|demo', name: 'Demo User', email: 'demo@example.com' },
    session: {
      id_hint: 's-cur',
      created_at: minutesAgo(30),
      expires_at: minutesAgo(-600),
      idle_expires_at: minutesAgo(-30),
    },
    mfa: fresh
      ? { last_mfa_at: minutesAgo(2), fresh_until: minutesAgo(-3) }
      : { last_mfa_at: minutesAgo(60), fresh_until: minutesAgo(55) },
    scopes: ['read:me:authentication_methods'],
    csrf_token: 'csrf',
  };
}

export function seedMethods(): Method[] {
  return [
    { id: 'password|cGFzcw', type: 'password', created_at: minutesAgo(60 * 24 * 40) },
    {
      id: 'totp|dev_demo',
      type: 'totp',
      confirmed: true,
      name: 'Phone app',
      created_at: minutesAgo(60 * 24 * 3),
      last_auth_at: minutesAgo(2),
    },
    {
      id: 'email|dev_pending',
      type: 'email',
      confirmed: false,
      email: 'pending@example.com',
      created_at: minutesAgo(5),
    },
  ];
}

export function seedAccounts() {
  return [
    {
      id: 'cac_1',
      connection: 'example-oauth2',
      access_type: 'offline',
      scopes: ['openid', 'profile'],
      created_at: minutesAgo(90),
    },
  ];
}

export function seedSessions(): ActiveSession[] {
  return [
    {
      id: 's-cur',
      created_at: minutesAgo(30),
      last_seen_at: minutesAgo(0),
      user_agent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      current: true,
    },
    {
      id: 's-other',
      created_at: minutesAgo(60 * 24),
      last_seen_at: minutesAgo(60),
      user_agent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      current: false,
    },
  ];
}

export function problem(status: number, code: ProblemBody['code']): ProblemBody {
  return {
    type: `https://bff.invalid/problems/${code}`,
    title: code,
    status,
    detail: `scripted ${code}`,
    code,
  };
}

export function myAccountError(status: number, detail: string) {
  return { type: `https://auth0.com/api-errors#A0E-${status}-0001`, title: 'Error', status, detail };
}
