import type { Provider } from '@nestjs/common';
import type { MyAccountConfig, ServerConfig, StepUpConfig } from '../config/config.schema.js';
import { MY_ACCOUNT_CONFIG, SERVER_CONFIG, STEP_UP_CONFIG } from '../config/config.tokens.js';
import { Metrics } from '../metrics/metrics.service.js';
import { stepUpPolicyFromConfig, type StepUpPolicy } from '../step-up/step-up-policy.js';
import { MyAccountGateway } from './my-account-gateway.js';
import { parseByteSize } from './proxy-request.js';
import { buildRouteTable, routeTimeoutsFromConfig } from './route-table.js';
import { UpstreamClient } from './upstream-client.js';

/** The step-up policy (config `stepUp`), shared by the gateway and the proxy's caller resolution. */
export const STEP_UP_POLICY = 'MY_ACCOUNT_STEP_UP_POLICY';
/** The proxy's request-body limit in bytes (config `server.bodyLimit`). */
export const PROXY_BODY_LIMIT = 'MY_ACCOUNT_PROXY_BODY_LIMIT';

/** One keep-alive pool towards the My Account API, one gateway over it: built once from configuration. */
export const MY_ACCOUNT_PROVIDERS: Provider[] = [
  {
    provide: STEP_UP_POLICY,
    inject: [STEP_UP_CONFIG],
    useFactory: (config: StepUpConfig): StepUpPolicy => stepUpPolicyFromConfig(config),
  },
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
