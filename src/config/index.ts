export * from './config.schema.js';
export * from './config.tokens.js';
export { ConfigModule } from './config.module.js';
export { ConfigError, loadConfig, type LoadConfigOptions } from './load-config.js';
