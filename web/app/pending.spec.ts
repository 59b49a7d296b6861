import { parseRetryHash, retryHash } from './pending.js';

describe('retry hash', () => {
  it('round-trips an action whose argument holds | and other reserved characters', () => {
    const action = { kind: 'delete' as const, arg: 'totp|dev_1#x:y' };
    expect(retryHash(action)).toBe('#retry=delete:totp%7Cdev_1%23x%3Ay');
    expect(parseRetryHash(retryHash(action))).toEqual(action);
  });

  it.each([
    '',
    '#',
    '#retry=',
    '#retry=delete',
    '#retry=drop:x',
    '#retry=delete:%E0%A4%A',
    '#other=delete:x',
  ])('ignores %j', (hash) => {
    expect(parseRetryHash(hash)).toBeNull();
  });

  it.each(['enroll', 'rename', 'delete', 'revoke', 'disconnect'])('accepts the kind %s', (kind) => {
    expect(parseRetryHash(`#retry=${kind}:a`)).toEqual({ kind, arg: 'a' });
  });
});
