import { Secret, TOTP } from 'otpauth';
import type { Redis } from 'ioredis';
import { TotpReplayGuard } from '../../tenant/accounts/totp-replay.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

const SECRET = 'JBSWY3DPEHPK3PXP';
const OTHER = 'KRSXG5CTMVRXEZLU';
const codeAt = (secret: string, offsetSteps: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

describe('TOTP replay guard (RFC 6238 §5.2), on a real Redis', () => {
  let redis: TestRedis;
  let client: Redis;
  let guard: TotpReplayGuard;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = redis.client();
    guard = new TotpReplayGuard(client, 'test:');
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.close();
  });

  it('accepts a valid code once, then refuses it; the next step is still accepted', async () => {
    const now = codeAt(SECRET, 0);
    expect(await guard.accept(SECRET, now)).toBe(true);
    expect(await guard.accept(SECRET, now)).toBe(false);
    expect(await guard.accept(SECRET, ` ${now} `)).toBe(false);
    const next = codeAt(SECRET, 1);
    if (next !== now) expect(await guard.accept(SECRET, next)).toBe(true);
  });

  it('keeps secrets apart, and never accepts invalid or stale codes', async () => {
    expect(await guard.accept(OTHER, codeAt(OTHER, 0))).toBe(true);
    for (const bad of ['', 'abcdef', '12345', '1234567']) expect(await guard.accept(OTHER, bad)).toBe(false);
    const stale = codeAt(OTHER, -3);
    const window = [-1, 0, 1].map((o) => codeAt(OTHER, o));
    if (!window.includes(stale)) expect(await guard.accept(OTHER, stale)).toBe(false);
  });

  it('lets exactly one of many concurrent uses of a code through', async () => {
    const secret = 'GEZDGNBVGY3TQOJQ';
    const code = codeAt(secret, 0);
    const results = await Promise.all(Array.from({ length: 10 }, () => guard.accept(secret, code)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('match() returns the method whose secret accepts the code, once', async () => {
    const methods = [
      { id: 'totp|a', type: 'totp' as const, secret: 'MFRGGZDFMZTWQ2LK', confirmed: true, created_at: '' },
      { id: 'totp|b', type: 'totp' as const, secret: 'NBSWY3DPO5XXE3DE', confirmed: true, created_at: '' },
    ];
    const code = codeAt('NBSWY3DPO5XXE3DE', 0);
    expect((await guard.match(methods, code))?.id).toBe('totp|b');
    expect(await guard.match(methods, code)).toBeUndefined();
  });
});
