import type { Account, FactorType } from '../../accounts/account.types.js';
import { ENROLLERS } from '../enrollment/enrollers.js';
import { ProofRejected, type EnrollmentContext } from '../enrollment/enroller.js';
import type { EnrollmentSession } from '../enrollment/enrollment-sessions.js';
import { badRequest, forbidden, notFound } from '../http/api-error.js';
import {
  methodLocation,
  passwordMethodId,
  PENDING_PASSWORD_ID,
  typeOfMethodId,
} from '../methods/method-ids.js';
import { isStalePending, listMethodViews, methodView, passwordView } from '../methods/method-view.js';
import type { OperationCall, OperationHandler } from './operation.js';

/** The OAS caps the list at 20 methods. */
const MAX_METHODS = 20;
/** Wrong codes tolerated per auth_session. */
const MAX_ATTEMPTS = 5;

const enrollmentContext = (call: OperationCall, account: Account = call.account): EnrollmentContext => ({
  ctx: call.services.ctx,
  account,
  issuer: call.issuer,
  req: call.req,
});

/** Starts an enrollment: 202, `Location` of the (pending) method, an `auth_session` for verify. */
export const createAuthenticationMethod: OperationHandler = async (call) => {
  const body = call.services.validator.body(call.operation, call.rawBody);
  const type = body.type as FactorType;
  const enroller = ENROLLERS.get(type)!;
  if (listMethodViews(call.account).length >= MAX_METHODS) {
    throw badRequest(
      'too_many_authentication_methods',
      `A user can have at most ${MAX_METHODS} authentication methods`,
    );
  }
  const started = await enroller.start(enrollmentContext(call), body);
  const pending = started.pending;
  if (pending) {
    // A new attempt replaces earlier unverified ones of the same type, and expired ones go away.
    await call.services.ctx.accounts.update(call.account.user_id, (account) => {
      account.methods = account.methods.filter((m) => m.confirmed || (m.type !== type && !isStalePending(m)));
      account.methods.push(pending);
    });
  }
  const authSession = await call.services.enrollments.issue({
    user_id: call.account.user_id,
    method_id: started.methodId,
    type,
    data: started.data,
  });
  return {
    status: 202,
    headers: { location: methodLocation(call.issuer, started.methodId) },
    body: { ...started.response, auth_session: authSession },
  };
};

async function loadSession(
  call: OperationCall,
  authSession: string,
  id: string,
  type: FactorType,
): Promise<EnrollmentSession> {
  const session = await call.services.enrollments.find(authSession);
  if (!session)
    throw badRequest('invalid_auth_session', 'The auth_session is unknown, expired or already used');
  const sameId =
    session.method_id === id ||
    (type === 'password' &&
      id === passwordMethodId(call.account.user_id) &&
      session.method_id === PENDING_PASSWORD_ID);
  if (session.user_id !== call.account.user_id || !sameId || session.type !== type) {
    throw forbidden(
      'invalid_auth_session',
      'The auth_session does not belong to this user and authentication method',
    );
  }
  return session;
}

async function countFailure(
  call: OperationCall,
  authSession: string,
  session: EnrollmentSession,
): Promise<void> {
  session.attempts += 1;
  if (session.attempts >= MAX_ATTEMPTS) await call.services.enrollments.consume(authSession);
  else await call.services.enrollments.save(authSession, session);
}

/** Completes an enrollment with the proof of its type: 201, `Location` of the final method. */
export const confirmAuthenticationMethod: OperationHandler = async (call) => {
  const id = call.params.authentication_method_id;
  const type = typeOfMethodId(id);
  if (!type) throw notFound('No authentication method with that id');
  const body = call.services.validator.body(call.operation, call.rawBody, type);
  const authSession = body.auth_session as string;
  const session = await loadSession(call, authSession, id, type);
  let apply;
  try {
    apply = await ENROLLERS.get(type)!.verify(enrollmentContext(call), session, body);
  } catch (err) {
    if (err instanceof ProofRejected) await countFailure(call, authSession, session);
    throw err;
  }
  if (!(await call.services.enrollments.consume(authSession))) {
    throw badRequest('invalid_auth_session', 'The auth_session is unknown, expired or already used');
  }
  let finalId = '';
  const saved = await call.services.ctx.accounts.update(call.account.user_id, (account) => {
    finalId = apply(account);
  });
  const method = saved.methods.find((m) => m.id === finalId);
  const view = method ? methodView(saved, method) : passwordView(saved);
  return { status: 201, headers: { location: methodLocation(call.issuer, finalId) }, body: view };
};
