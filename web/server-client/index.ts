/**
 * The server-side client of myaccount-bff, for server-rendered pages on the BFF's origin: forwards the
 * browser's session cookie per request, never holds a token (docs/server-side-callers.md).
 */
export {
  createBffServerClient,
  type BffPageCalls,
  type BffResult,
  type BffServerClient,
  type BffServerClientOptions,
  type PageCallOptions,
  type PageRequest,
  type WriteOptions,
} from './server-client.js';
export { BffRedirect, redirectFor } from './redirects.js';
export { buildForwardHeaders, type ForwardPolicy } from './forward-headers.js';
export { relaySetCookie, type PageResponse } from './set-cookie.js';
export { mePath } from '../client/bff-client.js';
export { BffProblem, MyAccountApiError, NetworkError, UnexpectedResponseError } from '../client/errors.js';
export type { ActiveSession, SessionInfo } from '../../src/public-api.types.js';
