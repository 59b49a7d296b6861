import { Global, Module } from '@nestjs/common';
import { STEP_UP_POLICY, STEP_UP_POLICY_PROVIDER } from './step-up-policy.provider.js';
import { StepUpGuard } from './step-up.guard.js';

/**
 * Step-up (docs/architecture.md#where-each-rule-lives): the one policy built from config `stepUp`
 * (`STEP_UP_POLICY`) and `StepUpGuard`, which `@RequireStepUp(operationId)` puts on a BFF route. Global, so
 * the proxy's gateway, connected accounts and every controller module share this one policy.
 */
@Global()
@Module({
  providers: [STEP_UP_POLICY_PROVIDER, StepUpGuard],
  exports: [STEP_UP_POLICY, StepUpGuard],
})
export class StepUpModule {}
