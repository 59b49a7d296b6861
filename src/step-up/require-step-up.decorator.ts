import { SetMetadata } from '@nestjs/common';

/** Metadata key read by the step-up guard: the operation name the policy knows the route by. */
export const STEP_UP_OPERATION = 'stepUp:operation';

/**
 * Marks a BFF route (not a proxied one: those carry their operationId in the route table) as subject to
 * the step-up policy under `operationId`, e.g. `@RequireStepUp('revokeSession')` on `DELETE /api/sessions/:id`.
 * The policy data decides what it needs (per method by default, per operationId when configured).
 */
export const RequireStepUp = (operationId: string) => SetMetadata(STEP_UP_OPERATION, operationId);
