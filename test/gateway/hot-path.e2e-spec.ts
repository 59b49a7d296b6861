import { jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import { expectNoTokenIn, GatewayStack, userNamed, type RecordingClient } from './support/gateway-stack.js';

jest.setTimeout(60_000);

/** What one proxied request asks of Redis, seen with MONITOR (DESIGN §11: the hot path stays lean). */
describe('Proxy hot path in Redis', () => {
  const user = userNamed('hot-path');
  let stack: GatewayStack;
  let client: RecordingClient;
  let monitor: Redis;
  const commands: Array<{ source: string; args: string[] }> = [];

  beforeAll(async () => {
    stack = await GatewayStack.start({ users: [user] });
    client = await stack.signIn(user);
    const raw = stack.redis.client();
    monitor = await raw.monitor();
    raw.disconnect();
    monitor.on('monitor', (_time: string, args: unknown[], source: string) =>
      commands.push({ source, args: args.map(String) }),
    );
  });
  afterAll(async () => {
    monitor?.disconnect();
    expectNoTokenIn(stack.responses, stack.tamper.issued);
    await stack?.close();
  });

  async function commandsOf(call: () => Promise<unknown>): Promise<string[][]> {
    await client.api(stack.url, 'GET', '/factors'); // settle (a first activity touch, if any)
    await new Promise((r) => setTimeout(r, 100));
    commands.length = 0;
    await call();
    await new Promise((r) => setTimeout(r, 100)); // MONITOR lines arrive asynchronously
    // The tenant shares this Redis: keep the connections that touched the BFF's keys.
    const bff = new Set(
      commands.filter((c) => c.args.some((a) => a.startsWith('bff:'))).map((c) => c.source),
    );
    return commands.filter((c) => bff.has(c.source)).map((c) => c.args);
  }

  it('a plain read: one round trip (session and token record together) and no write', async () => {
    const seen = await commandsOf(async () => {
      const res = await client.api(stack.url, 'GET', '/authentication-methods');
      expect(res.status).toBe(200);
    });
    const sid = stack.sessionId(client);
    // One MULTI holding only reads of this session's two records: no write, no second round trip.
    expect(seen.map(([command, key]) => [command, key])).toEqual([
      ['multi', undefined],
      ['hmget', `bff:{${sid}}:sess`],
      ['hmget', `bff:{${sid}}:tokens`],
      ['exec', undefined],
    ]);
  });
});
