import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { tenantConfigSchema, type TenantConfig } from './tenant-config.schema.js';

export const DEFAULT_TENANT_CONFIG_FILE = 'config/tenant.yaml';

/** A configuration that cannot be used; `problems` lists every one, each with the setting's path. */
export class TenantConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid tenant configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TenantConfigError';
  }
}

/** `users[1].email` from `['users', 1, 'email']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line per zod issue; unknown keys are named one by one so each can be found in the file. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown setting`);
    } else {
      lines.push(`${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  return lines;
}

type Env = Record<string, string | undefined>;

/**
 * TENANT_PORT, TENANT_HOST, TENANT_ISSUER, REDIS_URL, TENANT_TLS_CERT + TENANT_TLS_KEY (PEM file paths) and
 * TENANT_TRUST_PROXY override the file (the docker compose stack sets some of them).
 */
function applyEnvOverrides(raw: Record<string, unknown>, env: Env, problems: string[]): void {
  const section = (name: string): Record<string, unknown> => {
    const value = raw[name];
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    return (raw[name] = {});
  };
  if (env.TENANT_PORT !== undefined) {
    const port = Number(env.TENANT_PORT);
    if (!/^\d+$/.test(env.TENANT_PORT) || port > 65535)
      problems.push(`TENANT_PORT: must be a port number, got "${env.TENANT_PORT}"`);
    else section('tenant').port = port;
  }
  if (env.TENANT_HOST !== undefined) section('tenant').host = env.TENANT_HOST;
  if (env.TENANT_ISSUER !== undefined) section('tenant').issuer = env.TENANT_ISSUER;
  if (env.REDIS_URL !== undefined) section('redis').url = env.REDIS_URL;
  if (env.TENANT_TLS_CERT !== undefined || env.TENANT_TLS_KEY !== undefined) {
    section('tenant').tls = { cert: env.TENANT_TLS_CERT, key: env.TENANT_TLS_KEY };
  }
  if (env.TENANT_TRUST_PROXY !== undefined) {
    if (!['true', 'false'].includes(env.TENANT_TRUST_PROXY))
      problems.push(`TENANT_TRUST_PROXY: must be true or false, got "${env.TENANT_TRUST_PROXY}"`);
    else section('tenant').trust_proxy = env.TENANT_TRUST_PROXY === 'true';
  }
}

function readYaml(file: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`cannot read the file: ${(err as Error).message}`);
    return {};
  }
  try {
    const doc: unknown = parseYaml(text, { prettyErrors: true });
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      problems.push('(root): must be a mapping of settings');
      return {};
    }
    return doc as Record<string, unknown>;
  } catch (err) {
    problems.push(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
}

/** Validates an already-parsed document (tests build configs in code); throws with every problem. */
export function parseTenantConfig(raw: unknown, origin = '(inline)'): TenantConfig {
  const result = tenantConfigSchema.safeParse(raw);
  if (!result.success) throw new TenantConfigError(origin, describeIssues(result.error.issues));
  return result.data;
}

/**
 * Reads the tenant's YAML (`TENANT_CONFIG`, else `config/tenant.yaml`), applies the environment
 * overrides and validates it once. Any problem (unreadable file, bad YAML, unknown key, bad value) throws
 * a `TenantConfigError` listing all of them, so `tenant/main.ts` can print it and exit 1.
 */
export function loadTenantConfig(file?: string, env: Env = process.env): TenantConfig {
  const path = file ?? env.TENANT_CONFIG ?? DEFAULT_TENANT_CONFIG_FILE;
  const problems: string[] = [];
  const raw = readYaml(path, problems);
  if (problems.length > 0) throw new TenantConfigError(path, problems);
  applyEnvOverrides(raw, env, problems);
  const result = tenantConfigSchema.safeParse(raw);
  if (!result.success) problems.push(...describeIssues(result.error.issues));
  if (problems.length > 0) throw new TenantConfigError(path, problems);
  return result.data as TenantConfig;
}
