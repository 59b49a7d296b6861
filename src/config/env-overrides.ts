/**
 * Environment variables that override the YAML files (docs/architecture.md#configuration). Each maps onto one
 * setting; the setting's name and the variable's name both appear in validation messages.
 */

type Parse = (raw: string) => unknown;

export interface EnvVariable {
  name: string;
  path: string;
  parse: Parse;
  description: string;
}

const text: Parse = (raw) => raw;
const list: Parse = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const int: Parse = (raw) => (/^\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw);
const bool: Parse = (raw) => (/^(true|1|yes)$/i.test(raw) ? true : /^(false|0|no)$/i.test(raw) ? false : raw);
const intOrNull: Parse = (raw) => (raw.trim() === 'null' ? null : int(raw));
const hostPorts: Parse = (raw) =>
  (list(raw) as string[]).map((item) => {
    const at = item.lastIndexOf(':');
    return at > 0 ? { host: item.slice(0, at), port: Number(item.slice(at + 1)) } : { host: item, port: NaN };
  });
const trustProxy: Parse = (raw) => {
  const parsed = bool(raw);
  return typeof parsed === 'boolean' ? parsed : int(raw);
};

export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'PORT', path: 'server.port', parse: int, description: 'port the BFF listens on' },
  { name: 'PUBLIC_ORIGIN', path: 'server.publicOrigin', parse: text, description: 'origin browsers use' },
  { name: 'TRUST_PROXY', path: 'server.trustProxy', parse: trustProxy, description: 'Express trust proxy' },
  {
    name: 'DRAIN_DELAY_MS',
    path: 'server.drainDelayMs',
    parse: int,
    description: 'serving with /readyz 503 before the listener closes on SIGTERM',
  },
  {
    name: 'AUTH0_DOMAIN',
    path: 'oidc.issuer',
    parse: (raw) => `https://${raw.trim().replace(/\/+$/, '')}/`,
    description: 'Auth0 domain; issuer https://<domain>/',
  },
  { name: 'OIDC_ISSUER', path: 'oidc.issuer', parse: text, description: 'issuer URL (development, tests)' },
  { name: 'OIDC_CLIENT_ID', path: 'oidc.clientId', parse: text, description: 'client id' },
  { name: 'OIDC_CLIENT_SECRET', path: 'oidc.clientSecret', parse: text, description: 'client secret' },
  {
    name: 'OIDC_TOKEN_ENDPOINT_AUTH_METHOD',
    path: 'oidc.tokenEndpointAuthMethod',
    parse: text,
    description: 'client authentication',
  },
  {
    name: 'OIDC_PRIVATE_KEY',
    path: 'oidc.privateKeyJwt.key',
    parse: text,
    description: 'private_key_jwt key (PEM PKCS#8 or JWK JSON)',
  },
  {
    name: 'OIDC_PRIVATE_KEY_ID',
    path: 'oidc.privateKeyJwt.kid',
    parse: text,
    description: 'private_key_jwt key id',
  },
  {
    name: 'OIDC_ALLOW_INSECURE_REQUESTS',
    path: 'oidc.allowInsecureRequests',
    parse: bool,
    description: 'http:// issuer (dev/test)',
  },
  { name: 'REDIS_URL', path: 'redis.url', parse: text, description: 'Redis URL' },
  {
    name: 'REDIS_SENTINELS',
    path: 'redis.sentinel.sentinels',
    parse: hostPorts,
    description: 'Sentinel host:port list',
  },
  {
    name: 'REDIS_SENTINEL_NAME',
    path: 'redis.sentinel.name',
    parse: text,
    description: 'Sentinel master name',
  },
  {
    name: 'REDIS_CLUSTER_NODES',
    path: 'redis.cluster.nodes',
    parse: hostPorts,
    description: 'Cluster host:port list',
  },
  { name: 'SESSION_SECRETS', path: 'session.secrets', parse: list, description: 'cookie-signing secrets' },
  { name: 'SESSION_SAME_SITE', path: 'session.sameSite', parse: text, description: 'lax or strict' },
  {
    name: 'TOKEN_ENCRYPTION_KEYS',
    path: 'tokens.encryptionKeys',
    parse: list,
    description: 'kid:base64 keys',
  },
  { name: 'MY_ACCOUNT_BASE_URL', path: 'myAccount.baseUrl', parse: text, description: 'My Account API base' },
  { name: 'MY_ACCOUNT_TOKEN_TYPE', path: 'myAccount.tokenType', parse: text, description: 'bearer or dpop' },
  { name: 'WEB_ENABLED', path: 'web.enabled', parse: bool, description: 'serve the account page' },
  {
    name: 'PASSWORD_LOGIN_ENABLED',
    path: 'auth.passwordLogin.enabled',
    parse: bool,
    description: 'embedded password login',
  },
  { name: 'METRICS_ENABLED', path: 'metrics.enabled', parse: bool, description: 'expose /metrics' },
  {
    name: 'METRICS_PORT',
    path: 'metrics.port',
    parse: intOrNull,
    description: 'metrics listener port, or null for server.port',
  },
  { name: 'METRICS_HOST', path: 'metrics.host', parse: text, description: 'metrics listener address' },
  { name: 'LOG_LEVEL', path: 'log.level', parse: text, description: 'pino level' },
];

/** `oidc.clientSecret` → `OIDC_CLIENT_SECRET` (for messages). */
export function envNameFor(path: string): string | undefined {
  const names = ENV_VARIABLES.filter((v) => path === v.path || path.startsWith(`${v.path}.`)).map(
    (v) => v.name,
  );
  return names.length ? names.join(' or ') : undefined;
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** Applies the set (non-empty) variables onto `target`; returns the problems (both issuer variables set). */
export function applyEnv(
  target: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  if (env.AUTH0_DOMAIN && env.OIDC_ISSUER) {
    problems.push('oidc.issuer: set AUTH0_DOMAIN or OIDC_ISSUER, not both');
  }
  for (const variable of ENV_VARIABLES) {
    const raw = env[variable.name];
    if (raw === undefined || raw === '') continue;
    setPath(target, variable.path, variable.parse(raw));
  }
  return problems;
}

/** `oidc.clientSecret (OIDC_CLIENT_SECRET): is required`; array items shown as `session.secrets[0]`. */
export function describeIssue(path: readonly PropertyKey[], message: string): string {
  const dotted = path
    .filter((p) => typeof p !== 'number')
    .map(String)
    .join('.');
  const shown = path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  const variable = envNameFor(dotted);
  return `${shown || '(root)'}${variable ? ` (${variable})` : ''}: ${message}`;
}
