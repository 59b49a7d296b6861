import { createHash, randomInt } from 'node:crypto';
import type { StoredConnectedAccount } from '../../accounts/account.types.js';
import { CONNECT_TTL_SECONDS } from '../../connect/connect-flows.js';
import { badRequest, conflict, forbidden, invalidField, notFound } from '../http/api-error.js';
import type { OperationHandler } from './operation.js';
import { paginate } from './paging.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function newConnectedAccountId(): string {
  let id = 'cac_';
  for (let i = 0; i < 22; i++) id += ALNUM[randomInt(ALNUM.length)];
  return id;
}

const view = (a: StoredConnectedAccount) => ({
  id: a.id,
  connection: a.connection,
  access_type: a.access_type,
  scopes: a.scopes,
  created_at: a.created_at,
  ...(a.expires_at ? { expires_at: a.expires_at } : {}),
});

/** Starts linking: the connection must allow connected accounts, the redirect_uri must be the client's. */
export const createConnectedAccountRequest: OperationHandler = async (call) => {
  const body = call.services.validator.body(call.operation, call.rawBody);
  const { ctx } = call.services;
  const connection = ctx.config.connections.find((c) => c.name === body.connection && c.connected_accounts);
  if (!connection) throw invalidField('connection', 'connection is not enabled for connected accounts');
  const client = ctx.config.clients.find((c) => c.client_id === call.caller.clientId);
  if (!client?.redirect_uris.includes(body.redirect_uri as string)) {
    throw invalidField('redirect_uri', "redirect_uri is not one of the application's allowed callback URLs");
  }
  const { authSession, ticket } = await call.services.connectFlows.start({
    user_id: call.account.user_id,
    client_id: client.client_id,
    connection: connection.name,
    redirect_uri: body.redirect_uri as string,
    state: body.state as string | undefined,
    code_challenge: body.code_challenge as string | undefined,
    scopes: (body.scopes as string[] | undefined) ?? connection.scopes,
  });
  return {
    status: 201,
    body: {
      connect_uri: `${call.issuer}connect`,
      auth_session: authSession,
      connect_params: { ticket },
      expires_in: CONNECT_TTL_SECONDS,
    },
  };
};

/** Finishes linking: auth_session of this user, single-use connect_code, same redirect_uri, PKCE S256. */
export const completeConnectedAccountRequest: OperationHandler = async (call) => {
  const body = call.services.validator.body(call.operation, call.rawBody);
  const flows = call.services.connectFlows;
  const authSession = body.auth_session as string;
  const tx = await flows.byAuthSession(authSession);
  if (!tx) throw badRequest('invalid_auth_session', 'The auth_session is unknown, expired or already used');
  if (tx.user_id !== call.account.user_id)
    throw forbidden('invalid_auth_session', 'The auth_session belongs to another user');
  if (!(await flows.takeCode(body.connect_code as string, authSession))) {
    throw invalidField('connect_code', 'connect_code is invalid, expired or already used');
  }
  if (body.redirect_uri !== tx.redirect_uri)
    throw invalidField('redirect_uri', 'redirect_uri must equal the one used to connect');
  if (tx.code_challenge) {
    const verifier = body.code_verifier;
    const computed =
      typeof verifier === 'string' ? createHash('sha256').update(verifier).digest('base64url') : undefined;
    if (computed !== tx.code_challenge)
      throw invalidField('code_verifier', 'code_verifier does not match the code_challenge');
  }
  const account: StoredConnectedAccount = {
    id: newConnectedAccountId(),
    connection: tx.connection,
    access_type: 'offline',
    scopes: tx.scopes,
    created_at: new Date().toISOString(),
  };
  await call.services.ctx.accounts.update(call.account.user_id, (current) => {
    if (current.connected_accounts.some((a) => a.connection === tx.connection)) {
      throw conflict(`An account of the connection ${tx.connection} is already connected`);
    }
    current.connected_accounts.push(account);
  });
  await flows.finish(authSession);
  return { status: 201, body: view(account) };
};

export const getConnectedAccounts: OperationHandler = async (call) => {
  const filter = call.query.connection;
  const names = filter === undefined ? undefined : ([] as string[]).concat(filter as string | string[]);
  const all = call.account.connected_accounts.filter((a) => !names || names.includes(a.connection));
  const page = paginate(all, call.query, 20);
  return { status: 200, body: { accounts: page.items.map(view), ...(page.next ? { next: page.next } : {}) } };
};

export const getConnectedAccountsConnections: OperationHandler = async (call) => {
  const all = call.services.ctx.config.connections
    .filter((c) => c.connected_accounts)
    .map((c) => ({ name: c.name, strategy: c.strategy, scopes: c.scopes }));
  const page = paginate(all, call.query, 20);
  return { status: 200, body: { connections: page.items, ...(page.next ? { next: page.next } : {}) } };
};

export const deleteConnectedAccount: OperationHandler = async (call) => {
  const id = call.params.id;
  await call.services.ctx.accounts.update(call.account.user_id, (current) => {
    if (!current.connected_accounts.some((a) => a.id === id))
      throw notFound('No connected account with that id');
    current.connected_accounts = current.connected_accounts.filter((a) => a.id !== id);
  });
  return { status: 204 };
};
