import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { STEP_UP_OPERATION, StepUpGuard } from './step-up.guard.js';

/**
 * Policy as data on the route: marks a BFF route (not a proxied one: those carry their operationId in the
 * route table and the gateway decides) as subject to the step-up policy under `operationId`, e.g.
 * `@RequireStepUp('revokeSession')` on `DELETE /api/sessions/:id`, and applies `StepUpGuard` to it. The
 * policy data decides what it needs (per method by default, per operationId when configured).
 */
export const RequireStepUp = (operationId: string) =>
  applyDecorators(SetMetadata(STEP_UP_OPERATION, operationId), UseGuards(StepUpGuard));
