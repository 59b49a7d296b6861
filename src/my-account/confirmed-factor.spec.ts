import { hasConfirmedMfaFactor } from './confirmed-factor.js';

const list = (...methods: object[]) => ({ authentication_methods: methods });

describe('hasConfirmedMfaFactor', () => {
  it.each<[string, unknown, boolean | undefined]>([
    ['a confirmed TOTP', list({ type: 'totp', confirmed: true }), true],
    ['a confirmed recovery code', list({ type: 'recovery-code', confirmed: true }), true],
    [
      'a confirmed secondary of a new type',
      list({ type: 'future', confirmed: true, usage: ['secondary'] }),
      true,
    ],
    ['an unconfirmed TOTP', list({ type: 'totp', confirmed: false }), false],
    ['a TOTP without confirmed', list({ type: 'totp' }), false],
    ['confirmed as a string', list({ type: 'totp', confirmed: 'true' }), false],
    ['a password only', list({ type: 'password', usage: ['primary'] }), false],
    ['a passkey only', list({ type: 'passkey', usage: ['primary'], confirmed: true }), false],
    ['nothing enrolled', list(), false],
    ['null entries', list(null as unknown as object), false],
    ['a bare array (not the documented shape)', [{ type: 'totp', confirmed: true }], undefined],
    ['an error body', { title: 'Unauthorized' }, undefined],
    ['null', null, undefined],
  ])('%s → %s', (_name, body, expected) => {
    expect(hasConfirmedMfaFactor(body)).toBe(expected);
  });
});
