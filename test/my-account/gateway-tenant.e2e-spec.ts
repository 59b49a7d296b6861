import { DpopKey } from '../../src/my-account/dpop.js';
import type { GatewayError } from '../../src/my-account/gateway-error.js';
import { MyAccountGateway, type GatewayCaller } from '../../src/my-account/my-account-gateway.js';
import { UpstreamClient } from '../../src/my-account/upstream-client.js';
import { StepUpRequired } from '../../src/step-up/step-up-challenge.js';
import { totpNow } from '../tenant-my-account/support/enrollment-helpers.js';
import { ALL_SCOPES, startHarness, type Harness } from '../tenant-my-account/support/my-account-harness.js';

/**
 * The gateway's building blocks against the real local tenant's My Account API (DPoP required, with
 * resource-server nonces): the protocol is real, only the session is replaced by the caller's facts.
 */
describe('MyAccountGateway against the local tenant (DPoP with nonces)', () => {
  let h: Harness;
  let client: UpstreamClient;
  let gateway: MyAccountGateway;
  let key: DpopKey;
  let sub: string;
  let token: string;
  const now = () => Math.floor(Date.now() / 1000);
  const who = (stepUp: GatewayCaller['stepUp']): GatewayCaller => ({
    scopes: new Set(ALL_SCOPES.split(' ')),
    authorization: `DPoP ${token}`,
    dpop: key.proofFactory(token),
    stepUp,
    returnTo: '/',
  });
  const send = (method: string, path: string, caller: GatewayCaller, body?: unknown, query?: string) =>
    gateway.forward(gateway.match({ method, path, query }), caller, {
      headers: { 'content-type': 'application/json', accept: 'application/json', cookie: '__Host-bff=x' },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    });
  const parse = (buffer: Buffer) => JSON.parse(buffer.toString('utf8'));

  beforeAll(async () => {
    h = await startHarness({ dpop: 'required', tuning: { dpop_nonce: true } });
    key = await DpopKey.generate();
    sub = (await h.createUser('gateway@example.com')).user_id;
    token = await h.mintToken({ sub, jkt: await key.thumbprint() });
    client = new UpstreamClient({ baseUrl: `${h.issuer()}me/v1` });
    gateway = new MyAccountGateway(client);
  });
  afterAll(async () => {
    client.close();
    await h.close();
  });

  it('reads through the nonce challenge (one retry) and lists nothing for a new user', async () => {
    const result = await send(
      'GET',
      '/authentication-methods',
      who(undefined),
      undefined,
      'type=totp&evil=1',
    );
    expect(result.status).toBe(200);
    expect(parse(result.body)).toEqual({ authentication_methods: [] });
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    expect(result.headers).not.toHaveProperty('dpop-nonce');
    expect(result.dpopNonce).toBeDefined();
  });

  it('enrolls a first factor after a recent login, then deleting it needs fresh MFA', async () => {
    const firstFactor = { lastMfaAt: null, authTime: now() - 5, hasConfirmedFactor: false };
    const started = await send('POST', '/authentication-methods', who(firstFactor), { type: 'totp' });
    expect(started.status).toBe(202);
    const { id, auth_session, manual_input_code } = parse(started.body);
    expect(started.headers.location).toBe(`/api/me/v1/authentication-methods/${encodeURIComponent(id)}`);

    const verifyPath = `/authentication-methods/${id}/verify`; // raw "|", as some SDKs send it
    const verified = await send('POST', verifyPath, who(firstFactor), {
      auth_session,
      otp_code: totpNow(manual_input_code),
    });
    expect(verified.status).toBe(201);
    expect(parse(verified.body)).toMatchObject({ id, type: 'totp', confirmed: true });

    const confirmed = { lastMfaAt: null, authTime: now() - 5, hasConfirmedFactor: true };
    const refused = await send(
      'DELETE',
      `/authentication-methods/${encodeURIComponent(id)}`,
      who(confirmed),
    ).catch((e: GatewayError) => e);
    expect(refused).toBeInstanceOf(StepUpRequired);

    const fresh = { lastMfaAt: now() - 5, authTime: now() - 5, hasConfirmedFactor: true };
    const deleted = await send('DELETE', `/authentication-methods/${encodeURIComponent(id)}`, who(fresh));
    expect(deleted.status).toBe(204);
  });

  it('passes the API error body and status through unchanged', async () => {
    const result = await send('GET', '/authentication-methods/totp%7Cdev_doesnotexist', who(undefined));
    expect(result.status).toBe(404);
    expect(parse(result.body)).toMatchObject({
      status: 404,
      title: expect.any(String),
      detail: expect.any(String),
    });
  });

  it('H4: passes an upstream 403 insufficient_scope through when the token lacks the scope', async () => {
    const narrow = await h.mintToken({ sub, jkt: await key.thumbprint(), scope: 'read:me:factors' });
    const caller = { ...who(undefined), authorization: `DPoP ${narrow}`, dpop: key.proofFactory(narrow) };
    const result = await send('GET', '/authentication-methods', caller);
    expect(result.status).toBe(403);
    expect(result.headers).not.toHaveProperty('www-authenticate');
  });
});
