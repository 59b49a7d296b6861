import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { startInteropTenant, type InteropTenant } from './support/interop-tenant.js';

const SPA = 'https://localhost:7444';
const OTHER = 'https://evil.example';

describe('browser origins: CORS, web_message and the issuer behind a proxy', () => {
  let it0: InteropTenant;
  const url = (path: string) => `https://${it0.domain}${path}`;

  beforeAll(async () => {
    it0 = await startInteropTenant({ spaOrigin: SPA });
  });

  afterAll(async () => {
    await it0?.close();
  });

  const preflight = (path: string, origin: string, method = 'POST', headers = 'authorization,content-type') =>
    it0.cert.fetch(url(path), {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': headers,
      },
    });

  it.each([
    '/me/v1/factors',
    '/passkey/challenge',
    '/passkey/register',
    '/dbconnections/signup',
    '/dbconnections/change_password',
    '/passwordless/start',
    '/oauth/token',
    '/oauth/revoke',
    '/userinfo',
  ])(
    'preflight to %s: allowed for a web origin, without credentials; nothing for another origin',
    async (path) => {
      const ok = await preflight(
        path,
        SPA,
        path === '/me/v1/factors' || path === '/userinfo' ? 'GET' : 'POST',
      );
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(SPA);
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
      expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('dpop');
      const refused = await preflight(path, OTHER);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it('preflight asking for a method or header the endpoint does not take gets no allow headers', async () => {
    expect(
      (await preflight('/me/v1/factors', SPA, 'PUT')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const header = await preflight('/me/v1/factors', SPA, 'GET', 'x-custom');
    expect(header.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('actual My Account answers carry the origin and the headers scripts need (Location, DPoP-Nonce)', async () => {
    const res = await it0.cert.fetch(url('/me/v1/factors'), { headers: { origin: SPA } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(SPA);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Location/);
    const other = await it0.cert.fetch(url('/me/v1/factors'), { headers: { origin: OTHER } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('signup, password change and passwordless answers carry the origin and expose the rate-limit headers', async () => {
    for (const path of ['/dbconnections/signup', '/dbconnections/change_password', '/passwordless/start']) {
      const res = await it0.cert.fetch(url(path), {
        method: 'POST',
        headers: { origin: SPA, 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'interop-spa' }),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('access-control-allow-origin')).toBe(SPA);
      expect(res.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
      const other = await it0.cert.fetch(url(path), { method: 'POST', headers: { origin: OTHER } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('response_mode=web_message to an origin that is not an Allowed Web Origin is refused with a 400 page', async () => {
    const query = (redirectUri: string) =>
      new URLSearchParams({
        client_id: 'interop-spa',
        response_type: 'code',
        response_mode: 'web_message',
        prompt: 'none',
        scope: 'openid',
        redirect_uri: redirectUri,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 's',
      });
    const refused = await it0.cert.fetch(url(`/authorize?${query(`${OTHER}/`)}`), { redirect: 'manual' });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('Allowed Web Origins');
    expect(page).not.toContain('postMessage');
    // The listed origin gets the web message page (login_required: no session), posted to that origin only.
    const allowed = await it0.cert.fetch(url(`/authorize?${query(`${SPA}/`)}`), { redirect: 'manual' });
    const body = await allowed.text();
    expect(body).toContain('postMessage');
    expect(body).toContain('login_required');
  });
});

describe('endpoint URLs behind a TLS-terminating proxy', () => {
  let redis: TestRedis;
  const tenants: TestTenant[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    for (const t of tenants) await t.close();
    await redis?.close();
  });

  async function discovery(trustProxy: boolean) {
    const tenant = await startTestTenant({
      redisUrl: redis.url,
      configure: (c) => {
        c.tenant.trust_proxy = trustProxy;
        c.redis.prefix = `proxy-${trustProxy}:`;
      },
    });
    tenants.push(tenant);
    const res = await fetch(`${tenant.url}/.well-known/openid-configuration`, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': `localhost:${tenant.port}` },
    });
    return (await res.json()) as Record<string, string>;
  }

  it('trusts X-Forwarded-Proto only when tenant.trust_proxy is on', async () => {
    const trusted = await discovery(true);
    expect(trusted.token_endpoint.startsWith('https://')).toBe(true);
    expect(trusted.jwks_uri.startsWith('https://')).toBe(true);
    const untrusted = await discovery(false);
    expect(untrusted.token_endpoint.startsWith('http://')).toBe(true);
  });
});
