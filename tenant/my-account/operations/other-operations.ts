import { notFound } from '../http/api-error.js';
import type { OperationHandler } from './operation.js';
import { paginate } from './paging.js';

/** Factors this tenant offers for enrollment (all of them; webauthn-platform/-roaming are read-only at Auth0). */
const FACTORS = [
  { type: 'password', usage: ['primary'] },
  { type: 'passkey', usage: ['primary'] },
  { type: 'totp', usage: ['secondary'] },
  { type: 'phone', usage: ['secondary'] },
  { type: 'email', usage: ['secondary'] },
  { type: 'push-notification', usage: ['secondary'] },
  { type: 'recovery-code', usage: ['secondary'] },
];

export const getFactors: OperationHandler = async () => ({ status: 200, body: { factors: FACTORS } });

// Consents and organizations are `x-release-lifecycle: planned` in the OAS: the tenant keeps none.
export const getConsents: OperationHandler = async () => ({ status: 200, body: { consents: [] } });

export const getConsent: OperationHandler = async () => {
  throw notFound('No consent with that id');
};

export const getOrganizations: OperationHandler = async (call) => {
  const page = paginate([] as Array<{ id: string; name: string }>, call.query, 100, 50);
  return { status: 200, body: { organizations: page.items, ...(page.next ? { next: page.next } : {}) } };
};
