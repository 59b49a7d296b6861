import type { TenantConfig } from '../../../tenant/config/tenant-config.schema.js';
import { startTestRedis, type TestRedis } from '../../support/redis.js';
import { startTestTenant, type TestTenant } from '../../support/tenant.js';
import { createTestCertificate, type TestCertificate } from '../../support/tls.js';

/** The seed's demo user (config/tenant.yaml): TOTP enrolled, MFA on request. */
export const DEMO = { email: 'demo@example.com', password: 'Demo-password-1', totp: 'JBSWY3DPEHPK3PXP' };
/** A user whose every login needs MFA, with TOTP and a recovery code enrolled. */
export const ALWAYS_MFA = {
  email: 'always@example.com',
  password: 'Always-password-1',
  totp: 'KRSXG5CTMVRXEZLU',
  recoveryCode: 'RECOVERY1234CODE5678',
};

/** A regular web application as server-js and auth-js use it. */
export const WEB_APP = {
  clientId: 'interop-web',
  clientSecret: 'interop-web-secret',
  redirectUri: 'https://localhost:7443/callback',
  logoutUrl: 'https://localhost:7443/',
};

export const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
export const MFA_OTP = 'http://auth0.com/oauth/grant-type/mfa-otp';

export interface InteropTenant {
  readonly redis: TestRedis;
  readonly tenant: TestTenant;
  readonly cert: TestCertificate;
  /** `localhost:<port>`: the SDKs' `domain`. */
  readonly domain: string;
  /** `https://localhost:<port>/me/` */
  readonly myAccountAudience: string;
  close(): Promise<void>;
}

function addInteropClients(config: TenantConfig, spaOrigin: string | undefined): void {
  const myAccount = `${config.tenant.issuer}me/`;
  const seedGrant = config.client_grants[0];
  config.users.push({
    email: ALWAYS_MFA.email,
    name: 'Always MFA',
    password: ALWAYS_MFA.password,
    mfa: 'always',
    permissions: [],
    methods: [
      { type: 'totp', secret: ALWAYS_MFA.totp, name: 'App' },
      { type: 'recovery-code', code: ALWAYS_MFA.recoveryCode },
    ],
  });
  config.clients.push({
    client_id: WEB_APP.clientId,
    client_secret: WEB_APP.clientSecret,
    name: 'Interop web app',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code', 'refresh_token', 'password', PASSWORD_REALM, MFA_OTP],
    redirect_uris: [WEB_APP.redirectUri],
    post_logout_redirect_uris: [WEB_APP.logoutUrl],
    web_origins: [],
    first_party: true,
    require_pushed_authorization_requests: false,
    refresh_token: { rotation_type: 'rotating', leeway: 0, token_lifetime: 86_400 },
  });
  config.client_grants.push({ ...seedGrant, client_id: WEB_APP.clientId, audience: myAccount });
  if (spaOrigin) {
    config.clients.push({
      client_id: 'interop-spa',
      name: 'Interop SPA',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'urn:okta:params:oauth:grant-type:webauthn'],
      redirect_uris: [`${spaOrigin}/`, `${spaOrigin}/callback`],
      post_logout_redirect_uris: [`${spaOrigin}/logged-out`],
      web_origins: [spaOrigin],
      first_party: true,
      require_pushed_authorization_requests: false,
      refresh_token: { rotation_type: 'rotating', leeway: 0, token_lifetime: 86_400 },
    });
    config.client_grants.push({ ...seedGrant, client_id: 'interop-spa', audience: myAccount });
  }
}

/** Redis, a test certificate and the tenant over HTTPS with the interop clients and users. */
export async function startInteropTenant(
  options: {
    spaOrigin?: string;
    /** The certificate to serve (the caller's, e.g. shared with its SPA's origin); by default a new one. */
    cert?: TestCertificate;
    configure?: (c: TenantConfig) => void;
  } = {},
): Promise<InteropTenant> {
  const redis = await startTestRedis();
  const cert = options.cert ?? createTestCertificate();
  try {
    const tenant = await startTestTenant({
      redisUrl: redis.url,
      tls: { cert: cert.certFile, key: cert.keyFile },
      configure: (c) => {
        addInteropClients(c, options.spaOrigin);
        options.configure?.(c);
      },
    });
    return {
      redis,
      tenant,
      cert,
      domain: `localhost:${tenant.port}`,
      myAccountAudience: `${tenant.issuer}me/`,
      async close() {
        await tenant.close();
        cert.remove();
        await redis.close();
      },
    };
  } catch (err) {
    cert.remove();
    await redis.close();
    throw err;
  }
}

/** A fetch that records every call (method, URL, grant_type) before passing it on. */
export function recordingFetch(base: typeof fetch) {
  const calls: Array<{ method: string; url: string; grantType?: string }> = [];
  const wrapped = (async (input: string | URL, init?: RequestInit) => {
    const body = typeof init?.body === 'string' ? init.body : init?.body?.toString();
    let grantType: string | undefined;
    if (body) {
      grantType = body.startsWith('{')
        ? (JSON.parse(body) as { grant_type?: string }).grant_type
        : (new URLSearchParams(body).get('grant_type') ?? undefined);
    }
    calls.push({ method: init?.method ?? 'GET', url: String(input), grantType });
    return base(input, init);
  }) as typeof fetch;
  return { fetch: wrapped, calls };
}
