import { Metrics } from '../metrics/metrics.service.js';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { MyAccountConfig } from '../config/config.schema.js';
import { MY_ACCOUNT_CONFIG } from '../config/config.tokens.js';
import { MyAccountGateway } from '../my-account/my-account-gateway.js';
import { buildRouteTable, routeTimeoutsFromConfig } from '../my-account/route-table.js';
import { UpstreamClient } from '../my-account/upstream-client.js';
import { STEP_UP_POLICY } from '../step-up/step-up-policy.provider.js';
import type { StepUpPolicy } from '../step-up/step-up-policy.js';
import { ConnectCallbackService } from './connect-callback.service.js';
import { ConnectStartService } from './connect-start.service.js';
import { ConnectTransactionStore } from './connect-transaction.store.js';
import { CONNECT_GATEWAY, ConnectUpstream } from './connect-upstream.js';
import { ConnectedAccountsController } from './connected-accounts.controller.js';

const CONNECT_UPSTREAM_CLIENT = 'CONNECT_UPSTREAM_CLIENT';

/**
 * `GET /auth/connect` and `/auth/connect/callback` (docs/architecture.md#the-http-surface). Calls go through
 * a MyAccountGateway built like the proxy's (route table with the configured timeouts, the app's one step-up
 * policy, `STEP_UP_POLICY`). Sessions, tokens, Redis and configuration come from the global foundation modules.
 */
@Module({
  controllers: [ConnectedAccountsController],
  providers: [
    {
      provide: CONNECT_UPSTREAM_CLIENT,
      inject: [MY_ACCOUNT_CONFIG],
      useFactory: (config: MyAccountConfig) => new UpstreamClient({ baseUrl: config.baseUrl, maxSockets: 8 }),
    },
    {
      provide: CONNECT_GATEWAY,
      inject: [CONNECT_UPSTREAM_CLIENT, MY_ACCOUNT_CONFIG, STEP_UP_POLICY, Metrics],
      useFactory: (client: UpstreamClient, config: MyAccountConfig, policy: StepUpPolicy, metrics: Metrics) =>
        new MyAccountGateway(client, {
          routes: buildRouteTable(routeTimeoutsFromConfig(config)),
          stepUpPolicy: policy,
          metrics,
        }),
    },
    ConnectUpstream,
    ConnectTransactionStore,
    ConnectStartService,
    ConnectCallbackService,
  ],
})
export class ConnectedAccountsModule implements OnApplicationShutdown {
  constructor(@Inject(CONNECT_UPSTREAM_CLIENT) private readonly client: UpstreamClient) {}

  onApplicationShutdown(): void {
    this.client.close();
  }
}
