import {
  deleteAuthenticationMethod,
  getAuthenticationMethod,
  listAuthenticationMethods,
  updateAuthenticationMethod,
} from './authentication-methods.js';
import {
  completeConnectedAccountRequest,
  createConnectedAccountRequest,
  deleteConnectedAccount,
  getConnectedAccounts,
  getConnectedAccountsConnections,
} from './connected-accounts.js';
import { confirmAuthenticationMethod, createAuthenticationMethod } from './enrollment-operations.js';
import type { OperationHandler } from './operation.js';
import { getConsent, getConsents, getFactors, getOrganizations } from './other-operations.js';

/** The implementation of each OAS operation, by `operationId`. */
export const OPERATION_HANDLERS: Readonly<Record<string, OperationHandler>> = {
  getFactors,
  getAuthenticationMethods: listAuthenticationMethods,
  createAuthenticationMethod,
  getAuthenticationMethod,
  deleteAuthenticationMethod,
  updateAuthenticationMethod,
  confirmAuthenticationMethod,
  createConnectedAccountRequest,
  completeConnectedAccountRequest,
  getConnectedAccounts,
  getConnectedAccountsConnections,
  deleteConnectedAccount,
  getConsents,
  getConsent,
  getOrganizations,
};
