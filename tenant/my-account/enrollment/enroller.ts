import type { IncomingMessage } from 'node:http';
import type { Account, FactorType, StoredMethod } from '../../accounts/account.types.js';
import type { TenantContext } from '../../tenant-context.js';
import { ApiError, forbidden } from '../http/api-error.js';
import type { EnrollmentSession } from './enrollment-sessions.js';

/** A wrong one-time code: counted against the auth_session (which dies after a few). */
export class ProofRejected extends ApiError {
  constructor(detail: string) {
    super(403, 'invalid_otp_code', detail);
  }
}

/** What an enrollment step may use. */
export interface EnrollmentContext {
  readonly ctx: TenantContext;
  readonly account: Account;
  /** Issuer of the host the request arrived on. */
  readonly issuer: string;
  readonly req: IncomingMessage;
}

export interface StartedEnrollment {
  /** The id the client verifies with (`totp|dev_...`, `passkey|new`, `password|new`). */
  readonly methodId: string;
  /** A method shown as `confirmed: false` until verified (MFA types only). */
  readonly pending?: StoredMethod;
  /** Kept server-side with the auth_session. */
  readonly data: Record<string, unknown>;
  /** The 202 body without `auth_session`. */
  readonly response: Record<string, unknown>;
}

/** How a verified enrollment changes the account; returns the final method id. */
export type ApplyEnrollment = (account: Account) => string;

export interface Enroller {
  readonly type: FactorType;
  start(ec: EnrollmentContext, body: Record<string, unknown>): Promise<StartedEnrollment>;
  /** Checks the proof (throws an ApiError when wrong) and says how to record the result. */
  verify(
    ec: EnrollmentContext,
    session: EnrollmentSession,
    body: Record<string, unknown>,
  ): Promise<ApplyEnrollment>;
}

/** Marks the pending method of this enrollment confirmed (MFA types). */
export function confirmPending(methodId: string): ApplyEnrollment {
  return (account) => {
    const method = account.methods.find((m) => m.id === methodId);
    if (!method) throw forbidden('invalid_auth_session', 'The enrollment was removed before it was verified');
    method.confirmed = true;
    return methodId;
  };
}
