import { z } from 'zod';

/**
 * The one schema of the BFF's configuration (docs/architecture.md#configuration). `config/default.yaml`
 * documents every setting; this file says what a valid value is. Derived values (`null` in YAML) are filled
 * in by `load-config.ts`.
 */

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const secretList = z.array(z.string().min(1, 'must not be empty'));

const hostPort = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).strict();

export const MFA_POLICY_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

const serverSchema = z
  .object({
    port: z.number().int().min(0).max(65535),
    publicOrigin: httpUrl,
    // Express `trust proxy`: false, true, a hop count or a comma list of addresses (BCP-21).
    trustProxy: z.union([z.boolean(), z.number().int().min(0), z.string().min(1)]),
    bodyLimit: z.string().regex(/^\d+(b|kb|mb)$/, 'must look like 64kb'),
    shutdownGraceMs: z.number().int().min(0),
    drainDelayMs: z.number().int().min(0),
  })
  .strict();

const oidcSchema = z
  .object({
    issuer: httpUrl.refine((v) => v.endsWith('/'), 'must end with "/"'),
    clientId: z.string().min(1, 'is required'),
    clientSecret: z.string().nullable(),
    tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']),
    privateKeyJwt: z
      .object({
        key: z.string().nullable(),
        kid: z.string().nullable(),
        alg: z.enum(['RS256', 'ES256', 'PS256']),
      })
      .strict(),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token')).min(1),
    audience: httpUrl.nullable(),
    allowedExtraScopes: z.array(z.string().min(1)),
    allowedPrompts: z.array(z.enum(['login', 'consent', 'none', 'select_account'])),
    idTokenAlgs: z.array(z.enum(['RS256', 'ES256', 'PS256'])).min(1),
    timeoutMs: z.number().int().min(100).max(120_000),
    defaultAccessTokenLifetimeSeconds: z.number().int().min(1).max(86_400),
    allowInsecureRequests: z.boolean(),
    usePar: z.boolean(),
    discoveryRetryMs: z.number().int().min(100),
    loginTransactionTtlSeconds: z.number().int().min(30).max(600),
    callbackPath: z.string().startsWith('/'),
    postLogoutRedirectPath: z.string().startsWith('/'),
  })
  .strict();

const sessionSchema = z
  .object({
    cookieName: z.string().startsWith('__Host-', 'must start with __Host-'),
    transactionCookieName: z.string().startsWith('__Host-', 'must start with __Host-'),
    sameSite: z.enum(['lax', 'strict']),
    idleTimeoutSeconds: z.number().int().min(1),
    absoluteTimeoutSeconds: z.number().int().min(1),
    touchIntervalSeconds: z.number().int().min(0),
    secrets: secretList.min(1, 'needs at least one secret'),
    keyPrefix: z.string().regex(/^[A-Za-z0-9:_-]*$/, 'letters, digits, ":", "_" and "-" only'),
    retryAfterSeconds: z.number().int().min(1),
  })
  .strict()
  .refine((s) => s.idleTimeoutSeconds <= s.absoluteTimeoutSeconds, {
    message: 'idleTimeoutSeconds must not exceed absoluteTimeoutSeconds',
    path: ['idleTimeoutSeconds'],
  });

/** `kid:base64(32 bytes)`: AES-256-GCM keys for tokens at rest; the first encrypts, all decrypt. */
const encryptionKey = z.string().transform((value, ctx) => {
  const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/.exec(value);
  const key = match ? Buffer.from(match[2], 'base64') : undefined;
  if (!match || !key || key.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be kid:base64 of 32 bytes' });
    return z.NEVER;
  }
  return { kid: match[1], key };
});

const tokensSchema = z
  .object({ encryptionKeys: z.array(encryptionKey).min(1, 'needs at least one key') })
  .strict();

const redisSchema = z
  .object({
    url: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }),
    sentinel: z
      .object({
        sentinels: z.array(hostPort).min(1),
        name: z.string().min(1),
        password: z.string().nullable().optional(),
      })
      .strict()
      .nullable(),
    cluster: z
      .object({ nodes: z.array(hostPort).min(1) })
      .strict()
      .nullable(),
    commandTimeoutMs: z.number().int().min(10),
    connectTimeoutMs: z.number().int().min(10),
    /** Replicas that must acknowledge a new session or rotated tokens (WAIT); null: 1 with Sentinel/Cluster, else 0. */
    waitReplicas: z.number().int().min(0).max(5).nullable().default(null),
    waitTimeoutMs: z.number().int().min(1).default(100),
  })
  .strict()
  .refine((r) => r.waitTimeoutMs < r.commandTimeoutMs, {
    message:
      'waitTimeoutMs must be shorter than commandTimeoutMs (the WAIT runs within the command deadline)',
    path: ['waitTimeoutMs'],
  });

const myAccountSchema = z
  .object({
    baseUrl: httpUrl.nullable(),
    tokenType: z.enum(['bearer', 'dpop']),
    timeoutMs: z.number().int().min(100),
    perRouteTimeouts: z.record(z.string(), z.number().int().min(100)),
  })
  .strict();

const stepUpSchema = z
  .object({
    acrValues: z.string().min(1),
    maxAgeSeconds: z.number().int().min(0),
    methods: z.array(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])),
    operations: z.record(
      z.string(),
      z
        .object({
          required: z.boolean(),
          maxAge: z.number().int().min(0).optional(),
          acrValues: z.string().min(1).optional(),
        })
        .strict(),
    ),
  })
  .strict();

/** Overrides of one named rate-limit policy (defaults in src/rate-limit/rate-limit-policy.ts). */
const rateLimitPolicySchema = z
  .object({
    limit: z.number().int().positive().optional(),
    windowSeconds: z.number().int().positive().optional(),
    key: z.enum(['ip', 'session']).optional(),
  })
  .strict();

const rateLimitSchema = z
  .object({
    'embedded-login': rateLimitPolicySchema.optional(),
    'password-login': rateLimitPolicySchema.optional(),
    'my-account-verify': rateLimitPolicySchema.optional(),
    'my-account-write': rateLimitPolicySchema.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    server: serverSchema,
    oidc: oidcSchema,
    session: sessionSchema,
    tokens: tokensSchema,
    redis: redisSchema,
    myAccount: myAccountSchema,
    stepUp: stepUpSchema,
    auth: z
      .object({
        /** The database connection (`realm`) for embedded login (password-realm grant, /passkey/challenge). */
        realm: z.string().min(1).max(128),
        passwordLogin: z.object({ enabled: z.boolean() }).strict(),
        /**
         * Login-loop breaker: more than `maxStarts` logins started by one browser (its login-binding
         * cookie) within `windowSeconds` answer the "sign-in keeps restarting" page (429) instead of
         * another redirect to the tenant.
         */
        loginLoop: z
          .object({
            maxStarts: z.number().int().min(1).max(1000),
            windowSeconds: z.number().int().min(1).max(3600),
          })
          .strict()
          .default({ maxStarts: 5, windowSeconds: 60 }),
      })
      .strict(),
    rateLimit: rateLimitSchema,
    web: z.object({ enabled: z.boolean() }).strict(),
    metrics: z
      .object({
        enabled: z.boolean(),
        // null: `/metrics` on server.port; 0: any free port (tests).
        port: z.number().int().min(0).max(65535).nullable(),
        host: z.string().min(1),
      })
      .strict(),
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }).strict(),
  })
  .strict();

/** The configuration as written (YAML + environment), before validation. */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated configuration, derived values filled in. */
export type ParsedConfig = z.output<typeof configSchema>;

type DeepReadonly<T> = T extends Buffer
  ? T
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

interface Derived {
  oidc: { audience: string; redirectUri: string; postLogoutRedirectUri: string };
  myAccount: { baseUrl: string };
}
type Merge<A, B> = { [K in keyof A]: K extends keyof B ? Omit<A[K], keyof B[K]> & B[K] : A[K] };

export type AppConfig = DeepReadonly<Merge<ParsedConfig, Derived> & { env: string }>;
export type ServerConfig = AppConfig['server'];
export type OidcConfig = AppConfig['oidc'];
export type SessionConfig = AppConfig['session'];
export type TokensConfig = AppConfig['tokens'];
export type RedisConfig = AppConfig['redis'];
export type MyAccountConfig = AppConfig['myAccount'];
export type StepUpConfig = AppConfig['stepUp'];
export type AuthConfig = AppConfig['auth'];
export type WebConfig = AppConfig['web'];
export type MetricsConfig = AppConfig['metrics'];
export type LogConfig = AppConfig['log'];
