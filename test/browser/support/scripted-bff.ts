/**
 * The BFF's browser-facing HTTP surface (docs/architecture.md#the-http-surface,
 * docs/architecture.md#the-my-account-proxy), scripted inside Chromium's network layer (`context.route`): the
 * seam between the account page and the BFF. It enforces what the real BFF enforces on the page's requests
 * (X-CSRF on /api and /auth/logout, JSON bodies), keeps state like the real one (methods, sessions, MFA
 * freshness) and verifies passkeys for real with @simplewebauthn/server.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import type { BrowserContext, Request, Route } from 'playwright-core';
import type { ActiveSession, ProblemBody, SessionInfo } from '../../../src/public-api.types.js';
import {
  GOOD_CODE,
  type Method,
  MFA_ACR,
  minutesAgo,
  myAccountError,
  problem,
  seedAccounts,
  seedMethods,
  seedSessions,
  signedInSession,
  TOTP_SECRET,
} from './scripted-state.js';

export { GOOD_CODE, TOTP_SECRET, signedInSession, type Method };

export interface Recorded {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: unknown;
}

export class ScriptedBff {
  readonly requests: Recorded[] = [];
  session: SessionInfo | null = null;
  mfaFresh = false;
  methods: Method[] = seedMethods();
  accounts = seedAccounts();
  connections = [{ name: 'example-oauth2', strategy: 'oauth2' }];
  sessions: ActiveSession[] = seedSessions();
  /** Answers the next request matching `METHOD /path` with this response instead (once). */
  readonly overrides = new Map<string, { status: number; body: unknown; type?: string }>();
  passkeys: WebAuthnCredential[] = [];
  private pending = new Map<string, Record<string, string>>();

  constructor(readonly origin: string) {}

  signIn(fresh = false): this {
    this.mfaFresh = fresh;
    this.session = signedInSession(fresh);
    return this;
  }

  async install(context: BrowserContext): Promise<void> {
    await context.route(`${this.origin}/api/**`, (route) => this.handle(route));
    await context.route(`${this.origin}/auth/**`, (route) => this.handle(route));
  }

  find(method: string, path: string | RegExp): Recorded[] {
    return this.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }

  private async handle(route: Route): Promise<void> {
    const req = route.request();
    const url = new URL(req.url());
    const rec: Recorded = {
      method: req.method(),
      path: url.pathname,
      search: url.search,
      headers: req.headers(),
      body: parse(req),
    };
    this.requests.push(rec);
    const override = this.overrides.get(`${rec.method} ${rec.path}`);
    if (override) {
      this.overrides.delete(`${rec.method} ${rec.path}`);
      return json(route, override.status, override.body, override.type);
    }
    const csrf = this.csrfProblem(rec, req);
    if (csrf) return json(route, csrf.status, csrf, 'application/problem+json');
    const [status, body, headers] = await this.answer(rec, url);
    if (status === 302) return route.fulfill({ status, headers: { location: String(body) } });
    return json(
      route,
      status,
      body,
      status >= 400 && isProblem(body) ? 'application/problem+json' : 'application/json',
      headers,
    );
  }

  /**
   * docs/architecture.md#the-http-surface: X-CSRF on every /api call and on the script logout; state changes
   * carry JSON, if a body.
   */
  private csrfProblem(rec: Recorded, req: Request): ProblemBody | null {
    const scripted = rec.path.startsWith('/api/') || (rec.path === '/auth/logout' && rec.method === 'POST');
    if (scripted && rec.headers['x-csrf'] !== '1') return problem(403, 'csrf_failed');
    if (req.postData() && !rec.headers['content-type']?.startsWith('application/json'))
      return problem(415, 'unsupported_media_type');
    return null;
  }

  private stepUp(returnTo = '/'): ProblemBody {
    const login_url = `/auth/login?${new URLSearchParams({ returnTo, acr_values: MFA_ACR, max_age: '300' })}`;
    return {
      ...problem(401, 'insufficient_user_authentication'),
      acr_values: MFA_ACR,
      max_age: 300,
      login_url,
    };
  }

  private async answer(rec: Recorded, url: URL): Promise<[number, unknown, Record<string, string>?]> {
    const key = `${rec.method} ${rec.path}`;
    const body = (rec.body ?? {}) as Record<string, unknown>;
    if (rec.path === '/auth/login') return this.login(url);
    if (key === 'GET /auth/connect') {
      this.accounts.push({
        id: 'cac_2',
        connection: url.searchParams.get('connection') ?? '?',
        access_type: 'offline',
        scopes: ['openid'],
        created_at: minutesAgo(0),
      });
      return [302, url.searchParams.get('returnTo') ?? '/'];
    }
    if (key === 'POST /auth/logout') {
      this.session = null;
      return [200, { logout_url: `${this.origin}/?signed-out=1` }];
    }
    if (key === 'POST /api/login/passkey/challenge') return this.passkeyChallenge();
    if (key === 'POST /api/login/passkey') return this.passkeyLogin(body);
    if (!this.session) return [401, problem(401, 'login_required')];
    if (key === 'GET /api/session') return [200, this.session];
    if (key === 'GET /api/sessions') return [200, { sessions: this.sessions }];
    if (key === 'POST /api/sessions/revoke-others') {
      if (!this.mfaFresh) return [401, this.stepUp()];
      this.sessions = this.sessions.filter((s) => s.current);
      return [204, undefined];
    }
    const revoke = /^\/api\/sessions\/([^/]+)$/.exec(rec.path);
    if (revoke && rec.method === 'DELETE') {
      if (!this.mfaFresh) return [401, this.stepUp()];
      this.sessions = this.sessions.filter((s) => s.id !== decodeURIComponent(revoke[1]));
      return [204, undefined];
    }
    if (!rec.path.startsWith('/api/me/v1/')) return [404, problem(404, 'not_found')];
    return this.myAccount(rec.method, rec.path.slice('/api/me/v1/'.length), body);
  }

  /** A login at the tenant, reduced to its outcome: signed in (with MFA when asked), back to returnTo. */
  private login(url: URL): [number, unknown] {
    const wantsMfa = url.searchParams.get('acr_values') === MFA_ACR;
    this.signIn(wantsMfa || this.mfaFresh);
    return [302, url.searchParams.get('returnTo') ?? '/'];
  }

  private async myAccount(
    method: string,
    path: string,
    body: Record<string, unknown>,
  ): Promise<[number, unknown, Record<string, string>?]> {
    if (method === 'GET' && path === 'authentication-methods')
      return [200, { authentication_methods: this.methods }];
    if (method === 'GET' && path === 'connected-accounts/accounts') return [200, { accounts: this.accounts }];
    if (method === 'GET' && path === 'connected-accounts/connections')
      return [200, { connections: this.connections }];
    if (method !== 'GET' && !this.mfaFresh) return [401, this.stepUp()];
    if (method === 'POST' && path === 'authentication-methods') return this.startEnrollment(body);
    const verify = /^authentication-methods\/([^/]+)\/verify$/.exec(path);
    if (method === 'POST' && verify) return this.verify(decodeURIComponent(verify[1]), body);
    const one = /^authentication-methods\/([^/]+)$/.exec(path);
    if (one && method === 'PATCH') {
      const m = this.methods.find((x) => x.id === decodeURIComponent(one[1]));
      if (!m) return [404, myAccountError(404, 'Not Found')];
      m.name = String(body.name);
      return [200, m];
    }
    if (one && method === 'DELETE') {
      this.methods = this.methods.filter((x) => x.id !== decodeURIComponent(one[1]));
      return [204, undefined];
    }
    const account = /^connected-accounts\/accounts\/([^/]+)$/.exec(path);
    if (account && method === 'DELETE') {
      this.accounts = this.accounts.filter((a) => a.id !== account[1]);
      return [204, undefined];
    }
    return [404, problem(404, 'not_found')];
  }

  private async startEnrollment(
    body: Record<string, unknown>,
  ): Promise<[number, unknown, Record<string, string>?]> {
    const type = String(body.type);
    const id = type === 'passkey' ? 'passkey|new' : `${type}|dev_new${this.methods.length}`;
    const auth_session = `as_${this.pending.size + 1}`;
    const location = { location: `/api/me/v1/authentication-methods/${encodeURIComponent(id)}` };
    this.pending.set(id, { auth_session, type, email: String(body.email ?? body.phone_number ?? '') });
    if (type === 'passkey') {
      const options = await generateRegistrationOptions({
        rpName: 'Local tenant',
        rpID: 'localhost',
        userName: 'demo@example.com',
        userDisplayName: 'Demo User',
        attestationType: 'none',
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      this.pending.get(id)!.challenge = options.challenge;
      return [202, { auth_session, authn_params_public_key: options }, location];
    }
    const extra =
      type === 'totp'
        ? {
            barcode_uri: `otpauth://totp/Local:demo%40example.com?secret=${TOTP_SECRET}&issuer=Local`,
            manual_input_code: TOTP_SECRET,
          }
        : type === 'recovery-code'
          ? { recovery_code: 'ABCDEFGHJKLMNPQRSTUVWXYZ' }
          : {};
    return [202, { id, auth_session, ...extra }, location];
  }

  private async verify(id: string, body: Record<string, unknown>): Promise<[number, unknown]> {
    const p = this.pending.get(id);
    if (!p || body.auth_session !== p.auth_session) return [400, myAccountError(400, 'Invalid auth_session')];
    if (['totp', 'email', 'phone'].includes(p.type) && body.otp_code !== GOOD_CODE)
      return [403, myAccountError(403, 'Invalid otp_code')];
    const method: Method = {
      id: id.replace(/new\d*$/, 'confirmed'),
      type: p.type,
      confirmed: true,
      created_at: minutesAgo(0),
    };
    if (p.type === 'email') method.email = p.email;
    if (p.type === 'passkey') {
      const result = await verifyRegistrationResponse({
        response: body.authn_response as never,
        expectedChallenge: p.challenge,
        expectedOrigin: this.origin,
        expectedRPID: 'localhost',
      });
      if (!result.verified) return [400, myAccountError(400, 'Attestation not verified')];
      this.passkeys.push(result.registrationInfo.credential);
      method.id = `passkey|dev_${this.passkeys.length}`;
    }
    this.pending.delete(id);
    this.methods.push(method);
    return [201, method];
  }

  private async passkeyChallenge(): Promise<[number, unknown]> {
    const options = await generateAuthenticationOptions({ rpID: 'localhost', userVerification: 'preferred' });
    this.pending.set('login', { challenge: options.challenge, handle: 'h'.repeat(43) });
    return [200, { handle: 'h'.repeat(43), authn_params_public_key: options }];
  }

  private async passkeyLogin(body: Record<string, unknown>): Promise<[number, unknown]> {
    const p = this.pending.get('login');
    const response = body.authn_response as { id: string };
    const credential = this.passkeys.find((c) => c.id === response?.id);
    if (!p || body.auth_session !== p.auth_session || !credential)
      return [400, problem(400, 'invalid_request')];
    const result = await verifyAuthenticationResponse({
      response: response as never,
      expectedChallenge: p.challenge,
      expectedOrigin: this.origin,
      expectedRPID: 'localhost',
      credential,
    });
    if (!result.verified) return [400, problem(400, 'invalid_request')];
    this.signIn(false);
    return [200, { ok: true }];
  }
}

function parse(req: Request): unknown {
  const data = req.postData();
  if (!data) return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function isProblem(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'code' in body;
}

function json(
  route: Route,
  status: number,
  body: unknown,
  type = 'application/json',
  headers: Record<string, string> = {},
) {
  return route.fulfill({
    status,
    headers: {
      'cache-control': 'no-store',
      ...headers,
      ...(body === undefined ? {} : { 'content-type': type }),
    },
    body: body === undefined ? '' : JSON.stringify(body),
  });
}
