import { interactionPolicy, Provider, type KoaContextWithOIDC } from 'oidc-provider';
import { MFA_ACR } from '../accounts/login-factors.js';
import { escapeHtml, renderErrorPage, renderPage } from '../interactions/html.js';
import type { TenantContext } from '../tenant-context.js';
import { createFindAccount } from './account-claims.js';
import { createDirectLoginIssuer, type GetResourceServerInfo } from './grants/issue-tokens.js';
import { registerMfaGrants } from './grants/mfa-grants.js';
import { registerMrrtRefreshGrant } from './grants/mrrt-refresh.js';
import { registerPasswordRealmGrant } from './grants/password-realm.js';
import { registerPasswordlessOtpGrant } from './grants/passwordless-otp.js';
import { registerWebauthnGrant } from './grants/webauthn.js';
import { createLoadExistingGrant } from './first-party-grant.js';
import { createJsonBodyMiddleware } from './json-body.js';
import { createJwtUserinfoMiddleware } from './jwt-userinfo.js';
import { createOfflineAccessMiddleware } from './offline-access-middleware.js';
import { createLogoutMiddleware } from './logout.js';
import { ClientDirectory, toClientMetadata } from './provider-clients.js';
import type { AdapterFactory } from './redis-adapter.js';
import { createResourceServerInfo } from './resource-server.js';
import { AUTH0_ROUTES, INTERACTION_PREFIX } from './routes.js';
import { createStorageGuard } from './storage-unavailable.js';
import { createJwtCustomizer, createTokenScopeMiddleware } from './token-scope.js';
import { createV2LogoutMiddleware } from './v2-logout.js';
import { createWebMessageGuard } from './web-message.js';

/** Tenant cookies; distinct from the BFF's (cookies are per host, not per port). */
const COOKIES = { session: 'auth0', interaction: 'auth0_interaction', resume: 'auth0_interaction_resume' };
const COOKIE_LONG = { httpOnly: true, sameSite: 'lax' as const, signed: true };

/**
 * The login prompt also fires when `acr_values` asks for MFA and the session has not done it (Auth0 asks
 * for the second factor then, without the password when the session is still valid).
 */
function buildPolicy() {
  const { base, Check } = interactionPolicy;
  const policy = base();
  policy.get('login').checks.push(
    new Check('mfa_requested', 'multi-factor authentication was requested', (ctx: KoaContextWithOIDC) => {
      const requested = (ctx.oidc.params.acr_values ?? '').split(' ').includes(MFA_ACR);
      return requested && ctx.oidc.session.acr !== MFA_ACR ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}

/**
 * Auth0's `audience` parameter as the RFC 8707 resource indicator when no `resource` is sent: at
 * /authorize (query or form), /oauth/par and the token endpoint (client credentials). oidc-provider keeps
 * the raw request (`ctx.oidc.body`, `ctx.query`) beside the parameters it recognises. No audience: an
 * opaque access token for /userinfo only, as at Auth0. When a refresh token holds several APIs
 * (multi-resource refresh tokens), a refresh without `audience` is for the first: the one of the login.
 */
async function auth0Audience(
  ctx: KoaContextWithOIDC,
  _client: unknown,
  oneOf?: string[],
): Promise<string | string[] | undefined> {
  const raw = ctx.oidc.body?.audience ?? ctx.query?.audience;
  if (oneOf) return typeof raw === 'string' && oneOf.includes(raw) ? raw : oneOf[0];
  return typeof raw === 'string' && raw !== '' ? raw : undefined;
}

const epoch = () => Math.floor(Date.now() / 1000);

function ttl(tenant: TenantContext, clients: ClientDirectory) {
  return {
    AuthorizationCode: 60,
    // Auth0's default ID token lifetime (36 000 s).
    IdToken: 36_000,
    Interaction: 3600,
    Session: tenant.config.tenant.session_ttl_seconds,
    AccessToken: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
      token.resourceServer?.accessTokenTTL ?? 3600,
    Grant: (_ctx: unknown, grant: { clientId: string }) => clients.refreshTokenLifetime(grant.clientId),
    // Rotation never extends a family's lifetime (Auth0): count from the first token's issue time.
    RefreshToken: (_ctx: unknown, token: { iiat?: number; iat?: number; clientId: string }) => {
      const start = token.iiat ?? token.iat ?? epoch();
      return Math.max(1, clients.refreshTokenLifetime(token.clientId) - (epoch() - start));
    },
  };
}

export interface ProviderDeps {
  tenant: TenantContext;
  issuer: string;
  adapter: AdapterFactory;
  clients: ClientDirectory;
  /** False while Redis is unreachable (answers become 503). */
  isStorageUp: () => boolean;
}

function configuration(
  { tenant, adapter, clients, issuer }: ProviderDeps,
  getResourceServerInfo: GetResourceServerInfo,
): Record<string, unknown> {
  return {
    adapter,
    clients: tenant.config.clients.map(toClientMetadata),
    jwks: tenant.keys.privateJwks,
    cookies: { keys: tenant.config.tenant.cookie_keys, names: COOKIES, long: COOKIE_LONG },
    routes: AUTH0_ROUTES,
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub', 'auth_time', 'amr', 'acr', 'sid'],
      profile: ['name', 'given_name', 'family_name', 'nickname', 'picture', 'updated_at'],
      email: ['email', 'email_verified'],
    },
    // Auth0 puts the profile claims in the ID token of a code flow too.
    conformIdTokenClaims: false,
    acrValues: [MFA_ACR],
    responseTypes: ['code'],
    formats: { customizers: { jwt: createJwtCustomizer(issuer) } },
    pkce: { required: () => true },
    findAccount: createFindAccount(tenant.accounts),
    loadExistingGrant: createLoadExistingGrant(clients),
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${INTERACTION_PREFIX}${interaction.uid}`,
      policy: buildPolicy(),
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      dPoP: { enabled: true },
      backchannelLogout: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
      // spa-js's silent authentication and popup login; origins checked in web-message.ts.
      webMessageResponseMode: { enabled: true, ack: 'individual-draft-01' },
      rpInitiatedLogout: {
        enabled: true,
        // Replaced by the logout middleware for valid requests; kept minimal for anything that reaches it.
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.body = renderPage({
            title: 'Log out',
            body: `<h1>Log out</h1>${form}<button form="op.logoutForm" name="logout" value="yes">Log out</button>`,
          });
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.body = renderPage({ title: 'Logged out', body: '<h1>You are logged out</h1>' });
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: auth0Audience,
        // The token endpoint need not repeat the audience of the authorization request.
        useGrantedResource: async () => true,
        getResourceServerInfo,
      },
    },
    extraTokenClaims: async (
      _ctx: unknown,
      token: { kind: string; clientId: string; resourceServer?: unknown },
    ) => (token.kind === 'AccessToken' && token.resourceServer ? { azp: token.clientId } : undefined),
    rotateRefreshToken: (ctx: KoaContextWithOIDC) => clients.isRotating(ctx.oidc.client.clientId),
    clientBasedCORS: (_ctx: unknown, origin: string, client: { clientId: string }) =>
      clients.allowsOrigin(client.clientId, origin),
    ttl: ttl(tenant, clients),
    // oidc-provider 9 refuses outgoing requests to loopback/private addresses (SSRF guard); this local
    // tenant's back-channel logout targets are exactly such addresses (the BFF on localhost).
    fetch: (url: string, options: Record<string, unknown>) => {
      delete options.dispatcher;
      return globalThis.fetch(url, options);
    },
    renderError: async (ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = renderErrorPage(out.error, out.error_description);
    },
  };
}

/** One oidc-provider per issuer (canonical and each custom domain), sharing storage and keys. */
export function createProvider(deps: ProviderDeps): Provider {
  const getResourceServerInfo = createResourceServerInfo(
    deps.tenant.config,
    deps.tenant.accounts,
    deps.tenant.myAccountAudience(deps.issuer),
  );
  const provider = new Provider(deps.issuer, configuration(deps, getResourceServerInfo));
  const issue = createDirectLoginIssuer(provider, getResourceServerInfo);
  registerPasswordRealmGrant(provider, deps.tenant, issue);
  registerPasswordlessOtpGrant(provider, deps.tenant, issue);
  registerMfaGrants(provider, deps.tenant, issue);
  registerWebauthnGrant(provider, deps.tenant, deps.issuer, issue);
  registerMrrtRefreshGrant(provider, deps.clients);
  // Endpoint URLs are built from the request (scheme and host): forwarded ones only when configured.
  provider.proxy = deps.tenant.config.tenant.trust_proxy;
  provider.use(createStorageGuard(deps.isStorageUp));
  provider.use(createV2LogoutMiddleware(AUTH0_ROUTES.end_session, deps.clients, deps.tenant.config.clients));
  provider.use(
    createOfflineAccessMiddleware(
      { authorization: AUTH0_ROUTES.authorization, par: AUTH0_ROUTES.pushed_authorization_request },
      (clientId) => deps.clients.isFirstParty(clientId),
    ),
  );
  provider.use(createWebMessageGuard(AUTH0_ROUTES.authorization, deps.clients));
  provider.use(createJsonBodyMiddleware([AUTH0_ROUTES.token, AUTH0_ROUTES.revocation]));
  provider.use(createTokenScopeMiddleware(AUTH0_ROUTES.token));
  provider.use(createJwtUserinfoMiddleware(deps.tenant, deps.issuer, AUTH0_ROUTES.userinfo));
  provider.use(
    createLogoutMiddleware(provider, {
      endSessionPath: AUTH0_ROUTES.end_session,
      findSessionIdBySid: deps.adapter.findSessionIdBySid,
      cookieOptions: COOKIE_LONG,
    }),
  );
  provider.on('backchannel.error', (_ctx: unknown, err: Error, client: { clientId: string }) => {
    console.warn(`tenant: back-channel logout to ${escapeHtml(client.clientId)} failed: ${err.message}`);
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('tenant: server error', err));
  return provider;
}
