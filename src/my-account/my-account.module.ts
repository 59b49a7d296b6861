import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { FirstFactorCheck } from './first-factor.service.js';
import { MyAccountController } from './my-account.controller.js';
import { MY_ACCOUNT_PROVIDERS } from './my-account.providers.js';
import { MyAccountProxy } from './my-account-proxy.service.js';
import { ProxyCallers } from './proxy-callers.js';
import { ProxyHotPath } from './proxy-hot-path.js';
import { PROXY_HOT_PATH_PROVIDER } from './proxy-hot-path.provider.js';
import { UpstreamClient } from './upstream-client.js';

/**
 * `ANY /api/me/v1/{path}`: the route table, the gateway over one keep-alive pool to the My Account API,
 * caller resolution (session tokens via AccessTokens, or a bearer caller). Sessions, configuration and
 * the audit log come from the global foundation modules.
 */
@Module({
  controllers: [MyAccountController],
  providers: [
    ...MY_ACCOUNT_PROVIDERS,
    FirstFactorCheck,
    ProxyCallers,
    MyAccountProxy,
    PROXY_HOT_PATH_PROVIDER,
  ],
  exports: [ProxyHotPath],
})
export class MyAccountModule implements OnApplicationShutdown {
  constructor(private readonly client: UpstreamClient) {}

  /** Closes the pool's idle sockets so the process can exit (requests in flight were drained before). */
  onApplicationShutdown(): void {
    this.client.close();
  }
}
