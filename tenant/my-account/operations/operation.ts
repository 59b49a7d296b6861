import type { IncomingMessage } from 'node:http';
import type { Account } from '../../accounts/account.types.js';
import type { TenantContext } from '../../tenant-context.js';
import type { ConnectFlows } from '../../connect/connect-flows.js';
import type { Caller } from '../auth/access-token.js';
import type { EnrollmentSessions } from '../enrollment/enrollment-sessions.js';
import type { RequestValidator } from '../oas/request-validation.js';
import type { ApiOperation } from '../oas/operations.js';

/** What the operations share; built once per mounted API. */
export interface ApiServices {
  readonly ctx: TenantContext;
  readonly validator: RequestValidator;
  readonly enrollments: EnrollmentSessions;
  readonly connectFlows: ConnectFlows;
}

export interface OperationCall {
  readonly services: ApiServices;
  readonly operation: ApiOperation;
  readonly req: IncomingMessage;
  /** Issuer of the host the request arrived on. */
  readonly issuer: string;
  readonly caller: Caller;
  readonly account: Account;
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** The raw JSON body (validated by the operation, which may need the path to pick the schema). */
  readonly rawBody: unknown;
}

export interface OperationResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export type OperationHandler = (call: OperationCall) => Promise<OperationResult>;
