/**
 * The JSON the BFF itself serves to browsers and scripts (docs/architecture.md#the-http-surface). The account
 * page (`web/`) imports these types; nothing here may hold a token. Timestamps are ISO 8601 UTC strings.
 */

/** Error codes of the BFF's own problems, in the OAuth vocabulary. */
export type ProblemCode =
  | 'login_required'
  | 'invalid_token'
  | 'csrf_failed'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'session_store_unavailable'
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'rate_limited'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'idp_unavailable'
  | 'server_error';

/** RFC 9457 problem details, as `application/problem+json`. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  /** `insufficient_scope`: the scope the operation needs. */
  scope?: string;
  /** `insufficient_user_authentication` (RFC 9470): what the new login must satisfy. */
  acr_values?: string;
  max_age?: number;
  /** Where to send the browser (a same-origin `/auth/login?...` URL) to fix the problem. */
  login_url?: string;
}

/** `GET /api/session` */
export interface SessionInfo {
  user: { sub: string; name?: string; email?: string; picture?: string };
  session: { id_hint: string; created_at: string; expires_at: string; idle_expires_at: string };
  mfa: { last_mfa_at: string | null; fresh_until: string | null };
  scopes: string[];
  csrf_token: string;
}

/** One entry of `GET /api/sessions`. */
export interface ActiveSession {
  id: string;
  created_at: string;
  last_seen_at: string;
  user_agent: string | null;
  current: boolean;
}

/** `GET /api/sessions` */
export interface ActiveSessionList {
  sessions: ActiveSession[];
}

/** `POST /auth/logout` answered to a script (`X-CSRF: 1`). */
export interface LogoutResponse {
  logout_url: string;
}
