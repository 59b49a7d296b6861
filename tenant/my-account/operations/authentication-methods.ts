import type { Account, StoredMethod } from '../../accounts/account.types.js';
import { conflict, invalidField, notFound } from '../http/api-error.js';
import { passwordMethodId } from '../methods/method-ids.js';
import { isStalePending, listMethodViews, methodView, passwordView } from '../methods/method-view.js';
import type { OperationCall, OperationHandler } from './operation.js';

type Found = { kind: 'password' } | { kind: 'method'; method: StoredMethod };

export function findMethod(account: Account, id: string): Found | undefined {
  if (account.password && id === passwordMethodId(account.user_id)) return { kind: 'password' };
  const method = account.methods.find((m) => m.id === id && !isStalePending(m));
  return method ? { kind: 'method', method } : undefined;
}

function requireMethod(call: OperationCall): Found {
  const found = findMethod(call.account, call.params.authentication_method_id);
  if (!found) throw notFound('No authentication method with that id');
  return found;
}

const viewOf = (account: Account, found: Found) =>
  found.kind === 'password' ? passwordView(account)! : methodView(account, found.method);

export const listAuthenticationMethods: OperationHandler = async (call) => {
  const type = call.query.type as string | undefined;
  const methods = listMethodViews(call.account).filter((m) => !type || m.type === type);
  return { status: 200, body: { authentication_methods: methods.slice(0, 20) } };
};

export const getAuthenticationMethod: OperationHandler = async (call) => {
  return { status: 200, body: viewOf(call.account, requireMethod(call)) };
};

/** `name` for every method that has one in the OAS; `preferred_authentication_method` for phones only. */
export const updateAuthenticationMethod: OperationHandler = async (call) => {
  const body = call.services.validator.body(call.operation, call.rawBody);
  const found = requireMethod(call);
  const type = found.kind === 'password' ? 'password' : found.method.type;
  if (body.name !== undefined && (type === 'password' || type === 'recovery-code')) {
    throw invalidField('name', `name cannot be set on a ${type} method`);
  }
  if (typeof body.name === 'string' && (body.name.trim() === '' || body.name.length > 255)) {
    throw invalidField('name', 'name must be 1 to 255 characters');
  }
  if (body.preferred_authentication_method !== undefined && type !== 'phone') {
    throw invalidField(
      'preferred_authentication_method',
      'preferred_authentication_method applies to phone methods only',
    );
  }
  const id = call.params.authentication_method_id;
  const saved = await call.services.ctx.accounts.update(call.account.user_id, (account) => {
    const method = account.methods.find((m) => m.id === id);
    if (!method) return;
    if (typeof body.name === 'string') method.name = body.name.trim();
    if (method.type === 'phone' && body.preferred_authentication_method) {
      method.preferred_authentication_method = body.preferred_authentication_method as 'sms' | 'voice';
    }
  });
  const after = findMethod(saved, id);
  if (!after) throw notFound('No authentication method with that id');
  return { status: 200, body: viewOf(saved, after) };
};

const isPrimary = (account: Account, exceptId: string) =>
  account.methods.some((m) => m.type === 'passkey' && m.confirmed && m.id !== exceptId);

/** 409 when the user would be left without a primary credential (no password and no passkey). */
export const deleteAuthenticationMethod: OperationHandler = async (call) => {
  const id = call.params.authentication_method_id;
  requireMethod(call);
  await call.services.ctx.accounts.update(call.account.user_id, (account) => {
    const found = findMethod(account, id);
    if (!found) throw notFound('No authentication method with that id');
    const leavesNoPrimary =
      found.kind === 'password'
        ? !isPrimary(account, id)
        : found.method.type === 'passkey' &&
          found.method.confirmed &&
          !account.password &&
          !isPrimary(account, id);
    if (leavesNoPrimary)
      throw conflict('This is the last primary credential (password or passkey) of the user');
    if (found.kind === 'password') delete account.password;
    else account.methods = account.methods.filter((m) => m.id !== id);
  });
  return { status: 204 };
};
