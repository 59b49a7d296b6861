import { AuthClient } from '@auth0/auth0-auth-js';
import type { TenantConfig } from '../../../tenant/config/tenant-config.schema.js';
import { startTestRedis, type TestRedis } from '../../support/redis.js';
import { DEMO as SEEDED_DEMO, DEMO_TOTP_SECRET } from '../../support/seed-users.js';
import { startTestTenant, type TestTenant } from '../../support/tenant.js';
import { createTestCertificate, type TestCertificate } from '../../support/tls.js';

/** The seed's demo user (config/tenant.yaml): TOTP enrolled, MFA on request. */
export const DEMO = { ...SEEDED_DEMO, totp: DEMO_TOTP_SECRET };
/** A user whose every login needs MFA, with TOTP and a recovery code enrolled. */
export const ALWAYS_MFA = {
  email: 'always@example.com',
  password: 'Always-password-1',
  totp: 'KRSXG5CTMVRXEZLU',
  recoveryCode: 'RECOVERY1234CODE5678',
};

/** MFA always, a code by email or SMS as second factors (the MFA API's oob challenges). */
export const OOB_MFA = {
  email: 'oob@example.com',
  password: 'Oob-password-1',
  phone: '+15550001111',
};
/** MFA always, nothing enrolled: the MFA API enrolls the first factor. */
export const ENROLL_MFA = { email: 'enroll@example.com', password: 'Enroll-password-1' };
/** MFA always, nothing enrolled, for the SMS enrollment. */
export const ENROLL_SMS = { email: 'enroll-sms@example.com', password: 'Enroll-password-1' };
/** MFA always, TOTP enrolled: spends its failed-code budget. */
export const LOCKOUT = {
  email: 'lockout@example.com',
  password: 'Lockout-password-1',
  totp: 'GEZDGNBVGY3TQOJQ',
};

/** An API beside My Account that the interop applications' refresh token policies name. */
export const DATA_API = { audience: 'https://api.example.com/', policyScopes: ['read:data', 'write:data'] };
/** An API no refresh token policy names: a refresh token cannot be exchanged for it. */
export const BILLING_API = 'https://billing.example.com/';

/** A regular web application as server-js and auth-js use it. */
export const WEB_APP = {
  clientId: 'interop-web',
  clientSecret: 'interop-web-secret',
  redirectUri: 'https://localhost:7443/callback',
  logoutUrl: 'https://localhost:7443/',
};

export const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm' as const;
export const MFA_OTP = 'http://auth0.com/oauth/grant-type/mfa-otp' as const;
export const MFA_OOB = 'http://auth0.com/oauth/grant-type/mfa-oob' as const;
export const MFA_RECOVERY_CODE = 'http://auth0.com/oauth/grant-type/mfa-recovery-code' as const;
/** A second confidential application: an mfa_token issued to WEB_APP is not its to use. */
export const OTHER_APP = { clientId: 'interop-other', clientSecret: 'interop-other-secret' };

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
  const mfaUser = (email: string, password: string, methods: TenantConfig['users'][number]['methods']) =>
    config.users.push({ email, password, name: email, mfa: 'always', permissions: [], methods });
  mfaUser(OOB_MFA.email, OOB_MFA.password, [
    { type: 'email', email: OOB_MFA.email },
    { type: 'phone', phone_number: OOB_MFA.phone, preferred_authentication_method: 'sms' },
  ]);
  mfaUser(ENROLL_MFA.email, ENROLL_MFA.password, []);
  mfaUser(ENROLL_SMS.email, ENROLL_SMS.password, []);
  mfaUser(LOCKOUT.email, LOCKOUT.password, [{ type: 'totp', secret: LOCKOUT.totp }]);
  const mfaGrants = [MFA_OTP, MFA_OOB, MFA_RECOVERY_CODE];
  config.apis.push(
    {
      identifier: DATA_API.audience,
      scopes: [...DATA_API.policyScopes, 'admin:data'],
      access_token_lifetime: 600,
    },
    { identifier: BILLING_API, scopes: ['read:billing'], access_token_lifetime: 600 },
  );
  const policies = [{ audience: DATA_API.audience, scope: DATA_API.policyScopes }];
  config.clients.push({
    client_id: OTHER_APP.clientId,
    client_secret: OTHER_APP.clientSecret,
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['password', ...mfaGrants],
    redirect_uris: [],
    post_logout_redirect_uris: [],
    web_origins: [],
    first_party: true,
    require_pushed_authorization_requests: false,
    refresh_token: { rotation_type: 'rotating', leeway: 0, token_lifetime: 86_400, policies: [] },
  });
  config.clients.push({
    client_id: WEB_APP.clientId,
    client_secret: WEB_APP.clientSecret,
    name: 'Interop web app',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code', 'refresh_token', 'password', PASSWORD_REALM, ...mfaGrants],
    redirect_uris: [WEB_APP.redirectUri],
    post_logout_redirect_uris: [WEB_APP.logoutUrl],
    web_origins: [],
    first_party: true,
    require_pushed_authorization_requests: false,
    refresh_token: { rotation_type: 'rotating', leeway: 0, token_lifetime: 86_400, policies },
  });
  config.client_grants.push({ ...seedGrant, client_id: WEB_APP.clientId, audience: myAccount });
  if (spaOrigin) {
    config.clients.push({
      client_id: 'interop-spa',
      name: 'Interop SPA',
      token_endpoint_auth_method: 'none',
      // The password grant only gives the suite an mfa_token for spa-js's `mfa.*`, as an mfa_required
      // answer to getTokenSilently would.
      grant_types: [
        'authorization_code',
        'refresh_token',
        'urn:okta:params:oauth:grant-type:webauthn',
        'password',
        ...mfaGrants,
      ],
      redirect_uris: [`${spaOrigin}/`, `${spaOrigin}/callback`],
      post_logout_redirect_uris: [`${spaOrigin}/logged-out`],
      web_origins: [spaOrigin],
      first_party: true,
      require_pushed_authorization_requests: false,
      refresh_token: { rotation_type: 'rotating', leeway: 0, token_lifetime: 86_400, policies },
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
      totpReplays: 'reject',
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

/** An auth-js call's error: the OAuth error body in `cause`, the HTTP status when the SDK gives it. */
export type SdkError = Error & { cause?: Record<string, unknown>; statusCode?: number };

/** The error `promise` rejects with; the test fails when it resolves. */
export async function rejection<T extends Error = SdkError>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (err) {
    return err as T;
  }
  throw new Error('expected a rejection');
}

/** auth-js for one application of the interop tenant (the confidential web app unless told), over its TLS. */
export function authClient(
  it0: InteropTenant,
  app: { clientId: string; clientSecret: string } = WEB_APP,
): AuthClient {
  return new AuthClient({
    domain: it0.domain,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    customFetch: it0.cert.fetch,
  });
}
