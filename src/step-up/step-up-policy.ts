/** The OpenID PAPE multi-factor policy Auth0 understands in `acr_values` (my-account-api.md §9.5). */
export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** An operation as the step-up policy sees it: proxied My Account operations and the BFF's own routes. */
export interface StepUpRoute {
  readonly method: string;
  readonly operationId: string;
}

/** A per-operation override of the per-method default. */
export interface StepUpOverride {
  readonly required: boolean;
  readonly maxAge?: number;
  readonly acrValues?: string;
}

/** The step-up policy as data (docs/architecture.md#the-my-account-proxy; config `stepUp`). */
export interface StepUpPolicy {
  /** `acr_values` the BFF asks for; space-separated, in order of preference (RFC 9470 §3). */
  readonly acrValues: string;
  /** Seconds an MFA stays fresh for sensitive operations. */
  readonly maxAge: number;
  /** Methods that need a fresh MFA unless an operation says otherwise. */
  readonly methods: readonly string[];
  /** Per-operationId overrides. */
  readonly operations: Readonly<Record<string, StepUpOverride>>;
  /**
   * Operations a user with no confirmed MFA factor may perform after a recent login alone: they enroll the
   * first factor, which no MFA can precede (docs/architecture.md#the-my-account-proxy). Deleting or changing
   * a factor is never listed.
   */
  readonly firstFactorOperations: readonly string[];
  /** The only `acr` values an upstream challenge may ask for (RFC 9470 §9, SU-11). */
  readonly allowedAcrValues: readonly string[];
}

/** Default: every POST, PATCH and DELETE needs MFA within 300 s; reads need none. */
export const DEFAULT_STEP_UP_POLICY: StepUpPolicy = Object.freeze({
  acrValues: MFA_ACR,
  maxAge: 300,
  methods: ['POST', 'PATCH', 'DELETE'],
  operations: {},
  firstFactorOperations: ['createAuthenticationMethod', 'confirmAuthenticationMethod'],
  allowedAcrValues: [MFA_ACR],
});

/** Config `stepUp` → policy: the configured acr values are the ones upstream challenges may ask for too. */
export function stepUpPolicyFromConfig(config: {
  readonly acrValues: string;
  readonly maxAgeSeconds: number;
  readonly methods: readonly string[];
  readonly operations?: Readonly<Record<string, StepUpOverride>>;
}): StepUpPolicy {
  const configured = config.acrValues.split(' ').filter((v) => v !== '');
  return {
    ...DEFAULT_STEP_UP_POLICY,
    acrValues: config.acrValues,
    maxAge: config.maxAgeSeconds,
    methods: [...config.methods],
    operations: config.operations ?? {},
    allowedAcrValues: [...new Set([...configured, ...DEFAULT_STEP_UP_POLICY.allowedAcrValues])],
  };
}

/** What one operation requires, or null when it needs no step-up. */
export interface StepUpRequirement {
  readonly acrValues: string;
  readonly maxAge: number;
  readonly firstFactorAllowed: boolean;
}

export function resolveStepUpRequirement(
  route: StepUpRoute,
  policy: StepUpPolicy = DEFAULT_STEP_UP_POLICY,
): StepUpRequirement | null {
  const override = policy.operations[route.operationId];
  const required = override?.required ?? policy.methods.includes(route.method);
  if (!required) return null;
  return {
    acrValues: override?.acrValues ?? policy.acrValues,
    maxAge: override?.maxAge ?? policy.maxAge,
    firstFactorAllowed: policy.firstFactorOperations.includes(route.operationId),
  };
}

const isMaxAge = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const ACR_VALUES = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** Every problem with a policy, named by setting, so configuration can fail at boot with all of them. */
export function findStepUpPolicyProblems(policy: StepUpPolicy, name = 'stepUp'): string[] {
  const problems: string[] = [];
  if (!ACR_VALUES.test(policy.acrValues))
    problems.push(`${name}.acrValues: space-separated values without quotes`);
  if (!isMaxAge(policy.maxAge)) problems.push(`${name}.maxAge: a non-negative integer of seconds`);
  for (const [id, rule] of Object.entries(policy.operations)) {
    if (rule.maxAge !== undefined && !isMaxAge(rule.maxAge))
      problems.push(`${name}.operations.${id}.maxAge: a non-negative integer`);
    if (rule.acrValues !== undefined && !ACR_VALUES.test(rule.acrValues))
      problems.push(`${name}.operations.${id}.acrValues: invalid`);
  }
  for (const acr of policy.allowedAcrValues) {
    if (!ACR_VALUES.test(acr) || acr.includes(' '))
      problems.push(`${name}.allowedAcrValues: "${acr}" is not one acr value`);
  }
  return problems;
}
