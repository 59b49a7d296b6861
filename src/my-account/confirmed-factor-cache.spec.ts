import { ConfirmedFactorCache } from './confirmed-factor-cache.js';

describe('ConfirmedFactorCache', () => {
  let now = 1_000;
  const cache = () => new ConfirmedFactorCache(30_000, () => now);

  it('remembers a fact for the TTL only', () => {
    const c = cache();
    c.set('auth0|a', false);
    expect(c.get('auth0|a')).toBe(false);
    now += 29_999;
    expect(c.get('auth0|a')).toBe(false);
    now += 1;
    expect(c.get('auth0|a')).toBeUndefined();
  });

  it('forgets a user on demand, and keeps users apart', () => {
    const c = cache();
    c.set('auth0|a', false);
    c.set('auth0|b', true);
    c.forget('auth0|a');
    expect(c.get('auth0|a')).toBeUndefined();
    expect(c.get('auth0|b')).toBe(true);
  });
});
