import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { type AppConfig, configSchema, type ConfigInput, type ParsedConfig } from './config.schema.js';
import { applyEnv, describeIssue } from './env-overrides.js';
import { checkConfigRules, collectDevSecrets } from './config-rules.js';
import { checkRouteSettings } from './route-settings-rules.js';

/** `src/config` and `dist/config` both sit two levels below the repository's `config/` folder. */
export const DEFAULT_CONFIG_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config');

export interface LoadConfigOptions {
  /** The environment to read overrides from (`process.env` in `loadConfigFromProcess`). */
  env: Readonly<Record<string, string | undefined>>;
  configDir?: string;
  /** Last word before validation (tests shorten timeouts, point at their own servers). */
  configure?: (draft: ConfigInput) => void;
}

/** Every problem of a configuration, each naming its setting (and variable). */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'ConfigError';
  }
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(base: Tree, override: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = isTree(value) && isTree(base[key]) ? deepMerge(base[key], value) : value;
  }
  return out;
}

function readYaml(file: string, problems: string[]): Tree {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
    if (parsed === null || parsed === undefined) return {};
    if (isTree(parsed)) return parsed;
    problems.push(`${file}: must hold a mapping`);
  } catch (err) {
    problems.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  return {};
}

function derive(parsed: ParsedConfig, env: string): AppConfig {
  const { issuer } = parsed.oidc;
  const origin = parsed.server.publicOrigin.replace(/\/+$/, '');
  return {
    ...parsed,
    env,
    server: { ...parsed.server, publicOrigin: origin },
    oidc: {
      ...parsed.oidc,
      audience: parsed.oidc.audience ?? `${issuer}me/`,
      redirectUri: `${origin}${parsed.oidc.callbackPath}`,
      postLogoutRedirectUri: `${origin}${parsed.oidc.postLogoutRedirectPath}`,
    },
    myAccount: {
      ...parsed.myAccount,
      baseUrl: (parsed.myAccount.baseUrl ?? `${issuer}me/v1`).replace(/\/+$/, ''),
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * `config/default.yaml`, then `config/<NODE_ENV>.yaml`, then the environment; validated once. Throws a
 * `ConfigError` listing every problem.
 */
export function loadConfig(options: LoadConfigOptions): AppConfig {
  const dir = options.configDir ?? DEFAULT_CONFIG_DIR;
  const env = options.env.NODE_ENV || 'development';
  const problems: string[] = [];
  if (!existsSync(join(dir, 'default.yaml'))) problems.push(`${join(dir, 'default.yaml')}: missing`);
  let draft = deepMerge(
    readYaml(join(dir, 'default.yaml'), problems),
    readYaml(join(dir, `${env}.yaml`), problems),
  );
  draft = structuredClone(draft);
  problems.push(...applyEnv(draft, options.env));
  options.configure?.(draft as unknown as ConfigInput);
  const result = configSchema.safeParse(draft);
  if (!result.success) {
    problems.push(...result.error.issues.map((issue) => describeIssue(issue.path, issue.message)));
  } else {
    problems.push(...checkRouteSettings(result.data));
  }
  const devSecrets = collectDevSecrets(
    [join(dir, 'development.yaml'), join(dir, 'test.yaml')].map((f) => readYaml(f, [])),
  );
  const forRules = result.success
    ? {
        ...draft,
        myAccount: { ...(draft.myAccount as Tree), baseUrl: derive(result.data, env).myAccount.baseUrl },
      }
    : draft;
  problems.push(...checkConfigRules(forRules, env, devSecrets));
  if (problems.length || !result.success) throw new ConfigError([...new Set(problems)]);
  return deepFreeze(derive(result.data, env));
}
