import { startHarness, type Harness } from './support/my-account-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ tuning: { rate_limit: { limit: 3, window_seconds: 3600 } } });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  expect(h.contractViolations).toEqual([]);
});

describe('per-user rate limits', () => {
  it('count down per user, with separate read and write buckets, then 429 until the window resets', async () => {
    const alice = await h.createUser('rl-alice@example.com');
    const bob = await h.createUser('rl-bob@example.com');
    const aliceToken = await h.mintToken({ sub: alice.user_id });
    const bobToken = await h.mintToken({ sub: bob.user_id });
    const read = (token: string) => h.call('GET', '/me/v1/factors', { token, operationId: 'getFactors' });

    const remaining: string[] = [];
    for (let i = 0; i < 3; i++)
      remaining.push(String((await read(aliceToken)).headers['x-ratelimit-remaining']));
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await read(aliceToken);
    expect(limited.status).toBe(429);
    const reset = Number(limited.headers['x-ratelimit-reset']);
    const now = Math.floor(Date.now() / 1000);
    expect(reset).toBeGreaterThan(now - 1);
    expect(reset).toBeLessThanOrEqual(now + 3600);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect(limited.headers['x-ratelimit-limit']).toBe('3');

    expect((await read(bobToken)).status).toBe(200);
    const write = await h.call('POST', '/me/v1/authentication-methods', {
      token: aliceToken,
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
    expect([write.status, write.headers['x-ratelimit-remaining']]).toEqual([202, '2']);
  });
});
