import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import pino from 'pino';
import { expectNoTokenIn, GatewayStack, userNamed, type RecordingClient } from './support/gateway-stack.js';
import { totpNow } from '../support/tenant-login.js';
import { expectModeOnEveryCall, TOKEN_MODES, withTokenMode } from './support/token-modes.js';

jest.setTimeout(60_000);

/**
 * Every My Account operation through the BFF with a signed-in cookie
 * (docs/architecture.md#the-my-account-proxy), against the real tenant, once with Bearer and once with
 * DPoP-bound tokens (the tenant then requiring DPoP with nonces).
 */
describe.each(TOKEN_MODES)('ANY /api/me/v1/{path}: every operation through the BFF (%s)', (mode) => {
  const owner = userNamed('ops-owner');
  let stack: GatewayStack;
  let client: RecordingClient;
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write: (chunk, _enc, done) => void (lines.push(...String(chunk).split('\n').filter(Boolean)), done()),
    }),
  );
  const api = (method: string, path: string, json?: unknown) => client.api(stack.url, method, path, json);
  const enc = encodeURIComponent;

  beforeAll(async () => {
    stack = await GatewayStack.start(withTokenMode(mode, { users: [owner], logger }));
    client = await stack.signIn(owner, { mfa: true });
  });
  afterAll(async () => {
    try {
      expectModeOnEveryCall(mode, stack.hop.seen);
      expectNoTokenIn(stack.responses, stack.tamper.issued);
      // The logs name the operations (audit) but hold no token and no request or response body.
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(stack.tamper.issued.filter((token) => line.includes(token))).toEqual([]);
        expect(line).not.toMatch(/auth_session|manual_input_code|otp_code|recovery_code|eyJ[\w-]{8,}\./);
      }
    } finally {
      await stack?.close();
    }
  });

  it('lists authentication methods and factors (reads, no step-up), with no-store', async () => {
    const methods = await api('GET', '/authentication-methods');
    expect(methods.status).toBe(200);
    expect(methods.headers.get('content-type')).toMatch(/^application\/json/);
    expect(methods.headers.get('cache-control')).toBe('no-store');
    const list = methods.json<{ authentication_methods: Array<{ type: string; id: string }> }>();
    expect(list.authentication_methods.map((m) => m.type).sort()).toEqual(['password', 'totp']);
    const totp = list.authentication_methods.find((m) => m.type === 'totp')!;

    const one = await api('GET', `/authentication-methods/${enc(totp.id)}`);
    expect(one.status).toBe(200);
    expect(one.json()).toMatchObject({ id: totp.id, confirmed: true });

    const factors = await api('GET', '/factors');
    expect(factors.status).toBe(200);
    expect(factors.json<{ factors: unknown[] }>().factors.length).toBeGreaterThan(0);
  });

  it('enrolls a TOTP (create, verify with a computed code), renames it and deletes it', async () => {
    const started = await api('POST', '/authentication-methods', { type: 'totp' });
    expect(started.status).toBe(202);
    const { id, auth_session, manual_input_code } = started.json<Record<string, string>>();
    const location = started.headers.get('location') as string;
    expect(location).toBe(`/api/me/v1/authentication-methods/${enc(id)}`);

    const verified = await client.api(stack.url, 'POST', `${location.slice('/api/me/v1'.length)}/verify`, {
      auth_session,
      otp_code: totpNow(manual_input_code),
    });
    expect(verified.status).toBe(201);
    expect(verified.json()).toMatchObject({ id, type: 'totp', confirmed: true });

    const renamed = await api('PATCH', `/authentication-methods/${enc(id)}`, { name: 'Second phone' });
    expect(renamed.status).toBe(200);
    expect(renamed.json()).toMatchObject({ id, name: 'Second phone' });

    const deleted = await api('DELETE', `/authentication-methods/${id}`); // raw "|" accepted too
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expect((await api('GET', `/authentication-methods/${enc(id)}`)).status).toBe(404);
    const audit = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit);
    expect(audit.filter((l) => l.operation !== undefined).slice(-2)).toEqual([
      expect.objectContaining({
        event: 'enrollment',
        operation: 'confirmAuthenticationMethod',
        session: expect.any(String),
      }),
      expect.objectContaining({ event: 'deletion', operation: 'deleteAuthenticationMethod' }),
    ]);
    expect(
      stack.hop.actedOn(`/authentication-methods/${enc(id)}`).map((r) => `${r.method} ${r.url}`),
    ).toEqual([
      `POST /me/v1/authentication-methods/${enc(id)}/verify`,
      `PATCH /me/v1/authentication-methods/${enc(id)}`,
      `DELETE /me/v1/authentication-methods/${enc(id)}`,
      `GET /me/v1/authentication-methods/${enc(id)}`,
    ]);
  });
  it('enrolls an email and a phone with the codes from the dev outbox, then deletes them', async () => {
    for (const [body, to] of [
      [{ type: 'email', email: 'ops-owner+mfa@example.com' }, 'ops-owner+mfa@example.com'],
      [
        { type: 'phone', phone_number: '+15551230001', preferred_authentication_method: 'sms' },
        '+15551230001',
      ],
    ] as const) {
      const started = await api('POST', '/authentication-methods', body);
      expect(started.status).toBe(202);
      const { id, auth_session } = started.json<Record<string, string>>();
      const verified = await api('POST', `/authentication-methods/${enc(id)}/verify`, {
        auth_session,
        otp_code: await stack.outboxCode(to),
      });
      expect(verified.status).toBe(201);
      expect(verified.json()).toMatchObject({ id, type: body.type, confirmed: true });
      expect((await api('DELETE', `/authentication-methods/${enc(id)}`)).status).toBe(204);
    }
  });

  it('enrolls a recovery code (shown once) and passes a wrong verify through unchanged', async () => {
    const started = await api('POST', '/authentication-methods', { type: 'recovery-code' });
    expect(started.status).toBe(202);
    const { id, auth_session, recovery_code } = started.json<Record<string, string>>();
    expect(recovery_code).toEqual(expect.any(String));
    const wrong = await api('POST', `/authentication-methods/${enc(id)}/verify`, {
      auth_session: 'x'.repeat(32),
    });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/json/); // Auth0's own body, not a problem
    const verified = await api('POST', `/authentication-methods/${enc(id)}/verify`, { auth_session });
    expect(verified.status).toBe(201);
    expect(verified.json()).toMatchObject({ id, type: 'recovery-code', confirmed: true });
  });

  it('passes the API error for an unknown method through with its status and JSON body', async () => {
    const res = await api('GET', '/authentication-methods/totp%7Cdev_doesnotexist');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json()).toMatchObject({ status: 404, title: expect.any(String), detail: expect.any(String) });
  });

  it('lists connected accounts and the connections that can be linked; starts a connect request', async () => {
    const accounts = await api('GET', '/connected-accounts/accounts');
    expect(accounts.status).toBe(200);
    expect(accounts.json()).toMatchObject({ accounts: [] });
    const connections = await api('GET', '/connected-accounts/connections');
    expect(connections.status).toBe(200);
    expect(JSON.stringify(connections.json())).toContain('example-oauth2');
    const connect = await api('POST', '/connected-accounts/connect', {
      connection: 'example-oauth2',
      redirect_uri: `${stack.url}/auth/connect/callback`,
      state: 'state-1234567890',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      scopes: ['openid', 'profile'],
    });
    expect(connect.status).toBe(201);
    expect(connect.json()).toMatchObject({
      auth_session: expect.any(String),
      connect_uri: expect.any(String),
    });
    const missing = await api('DELETE', '/connected-accounts/accounts/cac_doesnotexist');
    expect(missing.status).toBe(404);
  });

  it('asks for the consents and organizations scopes with a login_url (403), and reads them after that login', async () => {
    for (const [path, scope] of [
      ['/consents', 'read:me:consents'],
      ['/organizations', 'read:me:organizations'],
    ]) {
      const before = stack.hop.seen.length;
      const refused = await client.api(stack.url, 'GET', path, undefined, {
        referer: `${stack.url}/account?tab=apps`,
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = refused.json<{ code: string; scope: string; login_url: string }>();
      expect(problem).toMatchObject({ code: 'insufficient_scope', scope });
      expect(problem.login_url).toBe(
        `/auth/login?${new URLSearchParams({ scope, returnTo: '/account?tab=apps' })}`,
      );
      expect(stack.hop.seen.length).toBe(before);

      await stack.signIn(owner, { client, query: problem.login_url.split('?')[1] });
      const read = await api('GET', path);
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toMatch(/^application\/json/);
      if (scope === 'read:me:consents')
        expect((await api('GET', '/consents/cns_doesnotexist')).status).toBe(404);
    }
    // The organizations login asked for its own extra scope, not the earlier one: consents are gone again.
    expect((await api('GET', '/consents/cns_doesnotexist')).json()).toMatchObject({
      code: 'insufficient_scope',
    });
  });
});
