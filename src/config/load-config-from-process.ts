import { loadConfig } from './load-config.js';
import type { AppConfig } from './config.schema.js';

/** The only reader of `process.env` in the BFF (docs/architecture.md#configuration). */
export function loadConfigFromProcess(): AppConfig {
  return loadConfig({ env: process.env, configDir: process.env.CONFIG_DIR || undefined });
}
