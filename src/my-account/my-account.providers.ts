import type { Provider } from '@nestjs/common';
import type { MyAccountConfig, ServerConfig } from '../config/config.schema.js';
import { MY_ACCOUNT_CONFIG, SERVER_CONFIG } from '../config/config.tokens.js';
import { Metrics } from '../metrics/metrics.service.js';
import { STEP_UP_POLICY } from '../step-up/step-up-policy.provider.js';
import type { StepUpPolicy } from '../step-up/step-up-policy.js';
import { MyAccountGateway } from './my-account-gateway.js';
import { parseByteSize } from './proxy-request.js';
import { buildRouteTable, routeTimeoutsFromConfig } from './route-table.js';
import { UpstreamClient } from './upstream-client.js';

/** The proxy's request-body limit in bytes (config `server.bodyLimit`). */
export const PROXY_BODY_LIMIT = 'MY_ACCOUNT_PROXY_BODY_LIMIT';

/**
 * One keep-alive pool towards the My Account API, one gateway over it: built once from configuration. The
 * gateway takes the app's one step-up policy (`STEP_UP_POLICY`, src/step-up/step-up.module.ts).
 */
export const MY_ACCOUNT_PROVIDERS: Provider[] = [
  {
    provide: PROXY_BODY_LIMIT,
    inject: [SERVER_CONFIG],
    useFactory: (config: ServerConfig): number => parseByteSize(config.bodyLimit),
  },
  {
    provide: UpstreamClient,
    inject: [MY_ACCOUNT_CONFIG],
    useFactory: (config: MyAccountConfig) => new UpstreamClient({ baseUrl: config.baseUrl }),
  },
  {
    provide: MyAccountGateway,
    inject: [UpstreamClient, MY_ACCOUNT_CONFIG, STEP_UP_POLICY, Metrics, SERVER_CONFIG],
    useFactory: (
      client: UpstreamClient,
      config: MyAccountConfig,
      policy: StepUpPolicy,
      metrics: Metrics,
      server: ServerConfig,
    ) =>
      new MyAccountGateway(client, {
        routes: buildRouteTable(routeTimeoutsFromConfig(config)),
        stepUpPolicy: policy,
        metrics,
        publicOrigin: server.publicOrigin,
      }),
  },
];
