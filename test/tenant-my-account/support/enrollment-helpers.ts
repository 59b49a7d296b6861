import { Secret, TOTP } from 'otpauth';
import type { CallOptions, CallResult, Harness } from './my-account-harness.js';

export const BASE = '/me/v1/authentication-methods';
export const enc = (id: string) => encodeURIComponent(id);

export type UserCall = (method: string, path: string, o?: CallOptions) => Promise<CallResult>;

export async function userWithToken(h: Harness, email: string) {
  const user = await h.createUser(email);
  const token = await h.mintToken({ sub: user.user_id });
  const call: UserCall = (method, path, o = {}) => h.call(method, path, { token, ...o });
  return { user, token, call };
}

export const totpNow = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

export async function latestCode(h: Harness, to: string): Promise<string> {
  const res = await h.call('GET', `/__dev/outbox?to=${encodeURIComponent(to)}`);
  expect(res.status).toBe(200);
  return res.body[0].code as string;
}

/** After verify: listed as confirmed, renamed, deleted. */
export async function listRenameDelete(call: UserCall, id: string, renamable = true) {
  const list = await call('GET', BASE, { operationId: 'getAuthenticationMethods' });
  const listed = list.body.authentication_methods.find((m: { id: string }) => m.id === id);
  expect(listed).toBeDefined();
  if ('confirmed' in listed) expect(listed.confirmed).toBe(true);
  const renamed = await call('PATCH', `${BASE}/${enc(id)}`, {
    body: { name: 'Renamed' },
    operationId: 'updateAuthenticationMethod',
  });
  if (renamable) {
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Renamed');
  } else {
    expect(renamed.status).toBe(400);
  }
  const deleted = await call('DELETE', `${BASE}/${enc(id)}`, { operationId: 'deleteAuthenticationMethod' });
  expect(deleted.status).toBe(204);
  const gone = await call('GET', `${BASE}/${enc(id)}`, { operationId: 'getAuthenticationMethod' });
  expect(gone.status).toBe(404);
}
