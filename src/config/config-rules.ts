import { describeIssue } from './env-overrides.js';

/**
 * Rules across settings, checked on the merged draft (so they are reported together with the schema's
 * problems, not after them). Production refuses what only development and tests may use
 * (docs/architecture.md#configuration).
 */

type Draft = Record<string, unknown>;

/** The value at `path` in the untyped draft; undefined as soon as a step is not an object. */
function at(draft: Draft, ...path: string[]): unknown {
  let value: unknown = draft;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function listAt(draft: Draft, ...path: string[]): unknown[] {
  const value = at(draft, ...path);
  return Array.isArray(value) ? (value as unknown[]) : [];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The secret values found in development.yaml and test.yaml: production must not use any of them. */
export function collectDevSecrets(files: Draft[]): Set<string> {
  const secrets = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value) secrets.add(value);
  };
  for (const file of files) {
    add(at(file, 'oidc', 'clientSecret'));
    add(at(file, 'oidc', 'privateKeyJwt', 'key'));
    for (const secret of listAt(file, 'session', 'secrets')) add(secret);
    for (const key of listAt(file, 'tokens', 'encryptionKeys')) {
      add(key);
      if (typeof key === 'string') add(key.slice(key.indexOf(':') + 1));
    }
  }
  return secrets;
}

function everywhere(draft: Draft, problem: (path: string[], message: string) => void): void {
  const method = at(draft, 'oidc', 'tokenEndpointAuthMethod');
  if (
    (method === 'client_secret_basic' || method === 'client_secret_post') &&
    !at(draft, 'oidc', 'clientSecret')
  ) {
    problem(['oidc', 'clientSecret'], `is required with tokenEndpointAuthMethod ${method}`);
  }
  if (method === 'private_key_jwt' && !at(draft, 'oidc', 'privateKeyJwt', 'key')) {
    problem(['oidc', 'privateKeyJwt', 'key'], 'is required with tokenEndpointAuthMethod private_key_jwt');
  }
  const origin = parseUrl(at(draft, 'server', 'publicOrigin'));
  // `__Host-` cookies need Secure; browsers accept Secure cookies over http only on localhost.
  if (origin?.protocol === 'http:' && !LOOPBACK.has(origin.hostname)) {
    problem(['server', 'publicOrigin'], 'must be https:// (http:// only for localhost)');
  }
  if (origin && (origin.pathname !== '/' || origin.search || origin.hash)) {
    problem(['server', 'publicOrigin'], 'must be an origin (scheme, host, port), without a path');
  }
  const metricsPort = at(draft, 'metrics', 'port');
  if (at(draft, 'metrics', 'enabled') && metricsPort && metricsPort === at(draft, 'server', 'port')) {
    problem(['metrics', 'port'], 'must differ from server.port (null serves /metrics on server.port)');
  }
  const issuer = parseUrl(at(draft, 'oidc', 'issuer'));
  if (issuer?.protocol === 'http:' && at(draft, 'oidc', 'allowInsecureRequests') !== true) {
    problem(['oidc', 'issuer'], 'http:// needs oidc.allowInsecureRequests (development and tests only)');
  }
}

function production(
  draft: Draft,
  devSecrets: Set<string>,
  problem: (path: string[], message: string) => void,
): void {
  const issuer = parseUrl(at(draft, 'oidc', 'issuer'));
  for (const [path, value] of [
    [['server', 'publicOrigin'], at(draft, 'server', 'publicOrigin')],
    [['oidc', 'issuer'], at(draft, 'oidc', 'issuer')],
    [['oidc', 'audience'], at(draft, 'oidc', 'audience')],
    [['myAccount', 'baseUrl'], at(draft, 'myAccount', 'baseUrl')],
  ] as const) {
    if (parseUrl(value)?.protocol === 'http:') problem([...path], 'must be https:// in production');
  }
  if (at(draft, 'oidc', 'allowInsecureRequests'))
    problem(['oidc', 'allowInsecureRequests'], 'must be false in production');
  const baseUrl = parseUrl(at(draft, 'myAccount', 'baseUrl'));
  // Auth0 refuses a My Account token on another host of the tenant (same-domain rule).
  if (baseUrl && issuer && baseUrl.host !== issuer.host) {
    problem(['myAccount', 'baseUrl'], `must be on the issuer's host ${issuer.host} in production`);
  }
  const secretAt = (path: string[], value: unknown) => {
    if (
      typeof value === 'string' &&
      (devSecrets.has(value) || devSecrets.has(value.slice(value.indexOf(':') + 1)))
    ) {
      problem(path, 'is a development secret; production needs its own');
    }
  };
  secretAt(['oidc', 'clientSecret'], at(draft, 'oidc', 'clientSecret'));
  secretAt(['oidc', 'privateKeyJwt', 'key'], at(draft, 'oidc', 'privateKeyJwt', 'key'));
  listAt(draft, 'session', 'secrets').forEach((s: unknown, i: number) => {
    secretAt(['session', 'secrets', String(i)], s);
    if (typeof s === 'string' && s.length < 32)
      problem(['session', 'secrets', String(i)], 'must be at least 32 characters');
  });
  listAt(draft, 'tokens', 'encryptionKeys').forEach((k: unknown, i: number) =>
    secretAt(['tokens', 'encryptionKeys', String(i)], k),
  );
}

/** Problems beyond the schema: required secrets, origin rules and, in production, the refusals. */
export function checkConfigRules(draft: Draft, env: string, devSecrets: Set<string>): string[] {
  const problems: string[] = [];
  const problem = (path: string[], message: string) =>
    problems.push(
      describeIssue(
        path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
        message,
      ),
    );
  everywhere(draft, problem);
  if (env === 'production') production(draft, devSecrets, problem);
  return problems;
}
