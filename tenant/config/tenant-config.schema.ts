import { z } from 'zod';

/**
 * The local tenant's configuration (`config/tenant.yaml`, or the file named by TENANT_CONFIG). Unknown keys
 * and bad values stop the tenant at boot with every problem listed (see `loadTenantConfig`).
 */

const url = z.url({ protocol: /^https?$/ });
const originWithSlash = url.refine((u) => u.endsWith('/'), 'must end with "/"');

export const MY_ACCOUNT_SCOPES = [
  'read:me:factors',
  'read:me:authentication_methods',
  'create:me:authentication_methods',
  'update:me:authentication_methods',
  'delete:me:authentication_methods',
  'create:me:connected_accounts',
  'read:me:connected_accounts',
  'delete:me:connected_accounts',
  'read:me:consents',
  'read:me:organizations',
] as const;

const seedMethod = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('totp'),
    secret: z.string().regex(/^[A-Z2-7]+=*$/, 'must be base32'),
    name: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('email'), email: z.email(), name: z.string().optional() }),
  z.strictObject({
    type: z.literal('phone'),
    phone_number: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be E.164, e.g. +15551234567'),
    preferred_authentication_method: z.enum(['sms', 'voice']).default('sms'),
    name: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('recovery-code'), code: z.string().min(8) }),
]);

const seedUser = z.strictObject({
  /** `auth0|<id>`; derived from the email when omitted. */
  user_id: z
    .string()
    .regex(/^auth0\|[A-Za-z0-9_-]+$/)
    .optional(),
  email: z.email(),
  name: z.string().min(1).optional(),
  picture: url.optional(),
  password: z.string().min(1),
  mfa: z.enum(['always', 'on-request']).default('on-request'),
  permissions: z.array(z.enum(MY_ACCOUNT_SCOPES)).default([]),
  methods: z.array(seedMethod).default([]),
});

const seedClient = z.strictObject({
  client_id: z.string().min(1),
  /** Omit for a public client (token_endpoint_auth_method none). */
  client_secret: z.string().min(1).optional(),
  name: z.string().optional(),
  token_endpoint_auth_method: z
    .enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'])
    .default('client_secret_basic'),
  /** Public keys for private_key_jwt. */
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  grant_types: z
    .array(
      z.enum([
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'password',
        'http://auth0.com/oauth/grant-type/password-realm',
        'http://auth0.com/oauth/grant-type/mfa-otp',
        'http://auth0.com/oauth/grant-type/mfa-oob',
        'http://auth0.com/oauth/grant-type/mfa-recovery-code',
        'urn:okta:params:oauth:grant-type:webauthn',
        'http://auth0.com/oauth/grant-type/passwordless/otp',
      ]),
    )
    .default(['authorization_code', 'refresh_token']),
  redirect_uris: z.array(url).default([]),
  post_logout_redirect_uris: z.array(url).default([]),
  backchannel_logout_uri: url.optional(),
  /**
   * Allowed Web Origins: the origins whose browser calls (CORS), silent authentication
   * (`response_mode=web_message`) and passkey ceremonies the tenant accepts for this client.
   */
  web_origins: z.array(url).default([]),
  first_party: z.boolean().default(true),
  /** Pushed authorization requests required for this client. */
  require_pushed_authorization_requests: z.boolean().default(false),
  refresh_token: z
    .strictObject({
      rotation_type: z.enum(['rotating', 'non-rotating']).default('rotating'),
      /** Seconds during which the previous refresh token may be reused (Auth0 "leeway"). */
      leeway: z.number().int().min(0).default(0),
      token_lifetime: z.number().int().positive().default(2_592_000),
      /**
       * Multi-resource refresh token policies (Auth0 `refresh_token.policies`): the APIs, besides the
       * one asked for at login, a refresh token of this application may be exchanged for, and the scopes
       * allowed for each (requested scopes are capped to these).
       */
      policies: z
        .array(z.strictObject({ audience: url, scope: z.array(z.string()).default([]) }))
        .default([]),
    })
    .prefault({}),
});

/** An API (resource server) besides the My Account API, open to every application for user flows. */
const api = z.strictObject({
  /** The API identifier (`audience`). */
  identifier: url,
  name: z.string().optional(),
  scopes: z.array(z.string().regex(/^\S+$/, 'no spaces')).default([]),
  access_token_lifetime: z.number().int().positive().default(3600),
});

const clientGrant = z.strictObject({
  client_id: z.string().min(1),
  audience: url,
  scope: z.array(z.string()).default([]),
  subject_type: z.enum(['user', 'client']).default('user'),
});

const connection = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9-]+$/),
  strategy: z.string().min(1),
  scopes: z.array(z.string()).default([]),
  /** Purpose "Connected Accounts for Token Vault". */
  connected_accounts: z.boolean().default(true),
});

/**
 * Auth0's passwordless connections (docs/tenant.md#passwordless): a one-time code by email or SMS logs
 * in an existing user (by email, or by a confirmed phone number). Off unless listed.
 */
const passwordless = z.strictObject({
  connections: z.array(z.enum(['email', 'sms'])).default([]),
  /** How long a sent code is valid (Auth0's default: 180 s). */
  otp_lifetime_seconds: z.number().int().min(30).max(3600).default(180),
  /** Digits in a code (Auth0's default: 6). */
  otp_length: z.number().int().min(4).max(10).default(6),
});

export const tenantConfigSchema = z.strictObject({
  tenant: z.strictObject({
    /** Canonical issuer, with the trailing slash (`http://localhost:4000/`). */
    issuer: originWithSlash,
    /** Other hosts serving the same tenant (Auth0 custom domains), each with its own issuer. */
    custom_domains: z.array(originWithSlash).default([]),
    port: z.number().int().min(0).max(65535),
    host: z.string().default('127.0.0.1'),
    friendly_name: z.string().default('Local tenant'),
    /** `GET /__dev/outbox` and the push-approval endpoint. Never in production. */
    dev_endpoints: z.boolean().default(false),
    /** Keys that sign the tenant's own cookies (first signs, all verify). */
    cookie_keys: z.array(z.string().min(16)).min(1),
    /** Database connection name. */
    database_connection: z.string().default('Username-Password-Authentication'),
    /** Auth0's "Disable Sign Ups" on the database connection: `/dbconnections/signup` refuses new users. */
    disable_signups: z.boolean().default(false),
    session_ttl_seconds: z.number().int().positive().default(86_400),
    /** How long an `mfa_token` (the MFA API's credential) is valid: Auth0 fixes it at 10 minutes. */
    mfa_token_lifetime_seconds: z.number().int().positive().default(600),
    /**
     * `reject` (Auth0's behaviour, RFC 6238 §5.2): a TOTP code is accepted once. `allow` accepts it again
     * within its validity: only for test suites that sign the same seed user in with MFA many times a
     * minute and are not about this rule.
     */
    totp_replays: z.enum(['reject', 'allow']).default('reject'),
    /** Serve HTTPS with this PEM certificate and key (files); plain HTTP when absent. */
    tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    /**
     * Behind a TLS-terminating proxy: trust its `X-Forwarded-Proto` / `X-Forwarded-Host` when building
     * endpoint URLs. Off by default: a client could otherwise choose the scheme and host of every URL.
     */
    trust_proxy: z.boolean().default(false),
  }),
  redis: z.strictObject({
    url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
    prefix: z.string().default('tenant:'),
  }),
  my_account_api: z.strictObject({
    /** Off: the audience is refused at /authorize and /oauth/token, as before activation in Auth0. */
    active: z.boolean().default(true),
    user_policy: z.enum(['require_client_grant', 'allow_all', 'deny_all']).default('require_client_grant'),
    /** When on, a user's token carries only the scopes among their `permissions`. */
    rbac: z.boolean().default(false),
    access_token_lifetime: z.number().int().positive().default(600),
    /** `allowed`: Bearer or DPoP; `required`: DPoP only. */
    dpop: z.enum(['allowed', 'required']).default('allowed'),
    /** WebAuthn relying party id for passkeys (defaults to the canonical issuer's host). */
    rp_id: z.string().optional(),
    /** Per-user request budget of the My Account API (`x-ratelimit-*` headers; 429 beyond it). */
    rate_limit: z
      .strictObject({ limit: z.number().int().positive(), window_seconds: z.number().int().positive() })
      .default({ limit: 1000, window_seconds: 60 }),
    /** When on, the My Account API demands DPoP nonces (401 `use_dpop_nonce` + `DPoP-Nonce`). */
    dpop_nonce: z.boolean().default(false),
  }),
  /** Further APIs (resource servers) applications may ask tokens for; see `api` above. */
  apis: z.array(api).default([]),
  passwordless: passwordless.prefault({}),
  users: z.array(seedUser).default([]),
  clients: z.array(seedClient).default([]),
  client_grants: z.array(clientGrant).default([]),
  connections: z.array(connection).default([]),
});

export type TenantConfig = z.infer<typeof tenantConfigSchema>;
export type SeedUser = z.infer<typeof seedUser>;
export type SeedClient = z.infer<typeof seedClient>;
