/** The browser client of myaccount-bff: a tiny typed module an app can copy or import. It never sees a token. */
export {
  createBffClient,
  mePath,
  type BffClient,
  type BffClientOptions,
  type CallOptions,
} from './bff-client.js';
export {
  BffProblem,
  MyAccountApiError,
  NetworkError,
  UnexpectedResponseError,
  type MyAccountErrorBody,
  type ValidationError,
} from './errors.js';
export type { BffResponse, FetchLike, HttpMethod } from './http.js';
export type { LoginOptions } from './navigation.js';
export type { ActiveSession, ProblemBody, ProblemCode, SessionInfo } from '../../src/public-api.types.js';
