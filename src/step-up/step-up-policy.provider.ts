import type { Provider } from '@nestjs/common';
import type { StepUpConfig } from '../config/config.schema.js';
import { STEP_UP_CONFIG } from '../config/config.tokens.js';
import { stepUpPolicyFromConfig, type StepUpPolicy } from './step-up-policy.js';

/** The one step-up policy of the app (config `stepUp`), for the proxy, the BFF's own routes and connect. */
export const STEP_UP_POLICY = 'STEP_UP_POLICY';

export const STEP_UP_POLICY_PROVIDER: Provider = {
  provide: STEP_UP_POLICY,
  inject: [STEP_UP_CONFIG],
  useFactory: (config: StepUpConfig): StepUpPolicy => stepUpPolicyFromConfig(config),
};
