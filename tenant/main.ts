import { loadTenantConfig, TenantConfigError } from './config/load-tenant-config.js';
import { startTenant } from './server.js';

/** `node dist/tenant/main.js`: the local tenant alone. Bad configuration → every problem listed, exit 1. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadTenantConfig();
  } catch (err) {
    if (err instanceof TenantConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const tenant = await startTenant(config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Local tenant stopping (${signal})`);
    await tenant.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Printed once the signal handlers are in place: whoever waits for this line may stop us right away.
  console.log(`Local tenant at ${tenant.url} (issuer ${config.tenant.issuer})`);
}

main().catch((err: Error) => {
  console.error(`Local tenant failed to start: ${err.message}`);
  process.exit(1);
});
