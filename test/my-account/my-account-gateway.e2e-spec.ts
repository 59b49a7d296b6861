import { decodeJwt } from 'jose';
import { DpopKey } from '../../src/my-account/dpop.js';
import {
  GatewayError,
  InsufficientScope,
  MethodNotAllowed,
  UpstreamUnavailable,
} from '../../src/my-account/gateway-error.js';
import { MyAccountGateway, type GatewayCaller } from '../../src/my-account/my-account-gateway.js';
import { UpstreamClient } from '../../src/my-account/upstream-client.js';
import { StepUpRequired } from '../../src/step-up/step-up-challenge.js';
import { MFA_ACR } from '../../src/step-up/step-up-policy.js';
import { FakeUpstream, json } from './support/fake-upstream.js';

const NOW = 1_800_000_000;
const ALL_SCOPES = new Set([
  'read:me:authentication_methods',
  'create:me:authentication_methods',
  'delete:me:authentication_methods',
]);
const FRESH = { lastMfaAt: NOW - 10, authTime: NOW - 10, hasConfirmedFactor: true };
const caller = (extra: Partial<GatewayCaller> = {}): GatewayCaller => ({
  scopes: ALL_SCOPES,
  authorization: 'Bearer at-1',
  stepUp: FRESH,
  returnTo: '/account',
  ...extra,
});
const JSON_HEADERS = {
  'content-type': 'application/json',
  cookie: '__Host-bff=x',
  authorization: 'Bearer browser',
};

describe('MyAccountGateway: route, scope, step-up, forward', () => {
  let upstream: FakeUpstream;
  let client: UpstreamClient;
  let gateway: MyAccountGateway;
  const send = (method: string, path: string, who: GatewayCaller, body?: string) =>
    gateway.forward(gateway.match({ method, path }), who, {
      headers: JSON_HEADERS,
      body: body === undefined ? undefined : Buffer.from(body),
    });
  const thrown = async (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as GatewayError,
    );

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    client = new UpstreamClient({ baseUrl: upstream.baseUrl });
    gateway = new MyAccountGateway(client, { now: () => NOW });
  });
  afterAll(async () => {
    client.close();
    await upstream.close();
  });

  it('refuses paths outside the table before anything else', () => {
    expect(() => gateway.match({ method: 'PUT', path: '/factors' })).toThrow(MethodNotAllowed);
  });

  it('forwards an allowed, fresh request with only the allow-listed headers and the BFF credential', async () => {
    upstream.reset(json(200, { authentication_methods: [] }));
    const result = await send('GET', '/authentication-methods', caller());
    expect(result.status).toBe(200);
    expect(upstream.seen[0].headers.authorization).toBe('Bearer at-1');
    expect(upstream.seen[0].headers).not.toHaveProperty('cookie');
  });

  it('refuses a body on an operation that takes none, without calling upstream', async () => {
    upstream.reset(json(204, {}));
    const error = await thrown(send('DELETE', '/authentication-methods/totp%7C1', caller(), '{"x":1}'));
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(upstream.seen).toHaveLength(0);
  });

  it('answers 403 insufficient_scope with a login_url asking for the scope, without calling upstream', async () => {
    upstream.reset(json(200, {}));
    const error = (await thrown(send('GET', '/factors', caller()))) as InsufficientScope;
    expect(error).toBeInstanceOf(InsufficientScope);
    expect(error.extra).toEqual({
      scope: 'read:me:factors',
      login_url: '/auth/login?scope=read%3Ame%3Afactors&returnTo=%2Faccount',
    });
    expect(upstream.seen).toHaveLength(0);
  });

  it('F1/F2: answers the step-up challenge for a write without fresh MFA, without calling upstream', async () => {
    upstream.reset(json(204, {}));
    const stale = { ...FRESH, lastMfaAt: NOW - 301 };
    const error = (await thrown(
      send('DELETE', '/authentication-methods/totp%7C1', caller({ stepUp: stale })),
    )) as StepUpRequired;
    expect(error).toBeInstanceOf(StepUpRequired);
    expect(error.headers['www-authenticate']).toContain(`acr_values="${MFA_ACR}", max_age=300`);
    expect(error.extra.login_url).toContain('returnTo=%2Faccount');
    expect(upstream.seen).toHaveLength(0);
  });

  it('lets a first factor be enrolled after a recent login', async () => {
    upstream.reset(json(202, { id: 'totp|dev_1' }));
    const firstFactor = { lastMfaAt: null, authTime: NOW - 20, hasConfirmedFactor: false };
    expect(
      (await send('POST', '/authentication-methods', caller({ stepUp: firstFactor }), '{"type":"totp"}'))
        .status,
    ).toBe(202);
  });

  it('F3: translates an upstream RFC 9470 challenge into the BFF challenge', async () => {
    upstream.reset(
      json(
        401,
        {},
        {
          'www-authenticate': `Bearer error="insufficient_user_authentication", acr_values="${MFA_ACR}", max_age=60`,
        },
      ),
    );
    const error = (await thrown(send('GET', '/authentication-methods', caller()))) as StepUpRequired;
    expect(error).toBeInstanceOf(StepUpRequired);
    expect(error.challenge).toEqual({ acr_values: MFA_ACR, max_age: 60 });
  });

  it('F4: answers 502 for a malformed or foreign upstream challenge, never a login redirect', async () => {
    upstream.reset(
      json(
        401,
        {},
        { 'www-authenticate': 'Bearer error="insufficient_user_authentication", acr_values="urn:evil"' },
      ),
    );
    expect(await thrown(send('GET', '/authentication-methods', caller()))).toBeInstanceOf(
      UpstreamUnavailable,
    );
    upstream.reset(
      json(401, {}, { 'www-authenticate': 'Bearer error="insufficient_user_authentication", max_age=-5' }),
    );
    expect(await thrown(send('GET', '/authentication-methods', caller()))).toBeInstanceOf(
      UpstreamUnavailable,
    );
  });

  it('passes other upstream 401s through', async () => {
    upstream.reset(
      json(401, { title: 'Unauthorized' }, { 'www-authenticate': 'Bearer error="invalid_token"' }),
    );
    expect((await send('GET', '/authentication-methods', caller())).status).toBe(401);
  });

  it('leaves step-up to the upstream for a bearer caller (no session facts)', async () => {
    upstream.reset(json(204, {}));
    expect(
      (await send('DELETE', '/authentication-methods/totp%7C1', caller({ stepUp: undefined }))).status,
    ).toBe(204);
  });

  it('remembers the upstream DPoP nonce for the next proof', async () => {
    const key = await DpopKey.generate();
    const dpopCaller = caller({ authorization: 'DPoP at-1', dpop: key.proofFactory('at-1') });
    upstream.reset(json(200, { authentication_methods: [] }, { 'dpop-nonce': 'nonce-A' }));
    await send('GET', '/authentication-methods', dpopCaller);
    await send('GET', '/authentication-methods', dpopCaller);
    const [first, second] = upstream.seen.map((s) => decodeJwt(String(s.headers.dpop)));
    expect(first).not.toHaveProperty('nonce');
    expect(second.nonce).toBe('nonce-A');
  });
});
