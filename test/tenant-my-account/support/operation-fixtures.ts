import { newMethodIdSuffix } from '../../../tenant/accounts/account-store.js';
import type { Account } from '../../../tenant/accounts/account.types.js';
import { REDIRECT_URI, type Harness } from './my-account-harness.js';

/** A request that succeeds for a user holding the operation's scope. */
export interface PreparedCall {
  method: string;
  path: string;
  body?: unknown;
  status: number;
}

export interface FixtureEnv {
  h: Harness;
  user: Account;
  /** A token with every My Account scope, for set-up calls. */
  setupToken: string;
}

const M = '/me/v1';

export async function seedTotp(h: Harness, userId: string): Promise<string> {
  const id = `totp|${newMethodIdSuffix()}`;
  await h.ctx.accounts.update(userId, (a) => {
    a.methods.push({
      id,
      type: 'totp',
      secret: 'JBSWY3DPEHPK3PXP',
      confirmed: true,
      created_at: new Date().toISOString(),
    });
  });
  return id;
}

export async function seedConnectedAccount(
  h: Harness,
  userId: string,
  connection = 'example-oauth2',
): Promise<string> {
  const id = `cac_${newMethodIdSuffix().slice(4)}`;
  await h.ctx.accounts.update(userId, (a) => {
    a.connected_accounts.push({
      id,
      connection,
      access_type: 'offline',
      scopes: ['openid'],
      created_at: new Date().toISOString(),
    });
  });
  return id;
}

/** Approves a connect ticket on the consent page; returns the redirect's query. */
export async function approveTicket(h: Harness, ticket: string): Promise<URLSearchParams> {
  const res = await h.call('POST', '/connect', {
    rawBody: `ticket=${encodeURIComponent(ticket)}`,
    contentType: 'application/x-www-form-urlencoded',
  });
  if (res.status !== 303) throw new Error(`consent approval answered ${res.status}: ${res.text}`);
  return new URL(String(res.headers.location)).searchParams;
}

export const SUCCESS_FIXTURES: Record<string, (env: FixtureEnv) => Promise<PreparedCall>> = {
  getFactors: async () => ({ method: 'GET', path: `${M}/factors`, status: 200 }),
  getAuthenticationMethods: async () => ({
    method: 'GET',
    path: `${M}/authentication-methods?type=totp`,
    status: 200,
  }),
  createAuthenticationMethod: async () => ({
    method: 'POST',
    path: `${M}/authentication-methods`,
    body: { type: 'totp' },
    status: 202,
  }),
  getAuthenticationMethod: async ({ h, user }) => ({
    method: 'GET',
    path: `${M}/authentication-methods/${encodeURIComponent(await seedTotp(h, user.user_id))}`,
    status: 200,
  }),
  deleteAuthenticationMethod: async ({ h, user }) => ({
    method: 'DELETE',
    path: `${M}/authentication-methods/${encodeURIComponent(await seedTotp(h, user.user_id))}`,
    status: 204,
  }),
  updateAuthenticationMethod: async ({ h, user }) => ({
    method: 'PATCH',
    path: `${M}/authentication-methods/${encodeURIComponent(await seedTotp(h, user.user_id))}`,
    body: { name: 'Work phone app' },
    status: 200,
  }),
  confirmAuthenticationMethod: async ({ h, setupToken }) => {
    const start = await h.call('POST', `${M}/authentication-methods`, {
      token: setupToken,
      body: { type: 'recovery-code' },
    });
    return {
      method: 'POST',
      path: `${M}/authentication-methods/${encodeURIComponent(start.body.id)}/verify`,
      body: { auth_session: start.body.auth_session },
      status: 201,
    };
  },
  createConnectedAccountRequest: async () => ({
    method: 'POST',
    path: `${M}/connected-accounts/connect`,
    body: { connection: 'example-oauth2', redirect_uri: REDIRECT_URI, state: 'xyz' },
    status: 201,
  }),
  completeConnectedAccountRequest: async ({ h, setupToken }) => {
    const body = { connection: 'example-oauth2', redirect_uri: REDIRECT_URI };
    const start = await h.call('POST', `${M}/connected-accounts/connect`, { token: setupToken, body });
    const query = await approveTicket(h, start.body.connect_params.ticket);
    return {
      method: 'POST',
      path: `${M}/connected-accounts/complete`,
      body: {
        auth_session: start.body.auth_session,
        connect_code: query.get('connect_code'),
        redirect_uri: REDIRECT_URI,
      },
      status: 201,
    };
  },
  getConnectedAccounts: async () => ({
    method: 'GET',
    path: `${M}/connected-accounts/accounts?take=5`,
    status: 200,
  }),
  getConnectedAccountsConnections: async () => ({
    method: 'GET',
    path: `${M}/connected-accounts/connections`,
    status: 200,
  }),
  deleteConnectedAccount: async ({ h, user }) => ({
    method: 'DELETE',
    path: `${M}/connected-accounts/accounts/${await seedConnectedAccount(h, user.user_id)}`,
    status: 204,
  }),
  getConsents: async () => ({ method: 'GET', path: `${M}/consents`, status: 200 }),
  // Planned in the OAS; the tenant holds no consents, so the only answer to a read is 404.
  getConsent: async () => ({ method: 'GET', path: `${M}/consents/cns_unknown`, status: 404 }),
  getOrganizations: async () => ({ method: 'GET', path: `${M}/organizations`, status: 200 }),
};
