import { jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import { ProxyHotPath } from '../../src/my-account/proxy-hot-path.js';
import { expectNoTokenIn, GatewayStack, userNamed, type RecordingClient } from './support/gateway-stack.js';

jest.setTimeout(60_000);

/**
 * What one proxied request asks of Redis, seen with MONITOR (docs/architecture.md#performance: the hot path
 * stays lean).
 */
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

  async function commandsOf(call: () => Promise<unknown>, settle = true): Promise<string[][]> {
    if (settle) await client.api(stack.url, 'GET', '/factors'); // a first activity touch, if any
    await new Promise((r) => setTimeout(r, 100));
    commands.length = 0;
    await call();
    await new Promise((r) => setTimeout(r, 100)); // MONITOR lines arrive asynchronously
    // The tenant shares this Redis: keep the connections that touched the BFF's keys.
    const bff = new Set(
      commands.filter((c) => c.args.some((a) => a.startsWith('bff:'))).map((c) => c.source),
    );
    return commands.filter((c) => bff.has(c.source) || c.source === 'lua').map((c) => c.args);
  }

  const hotPath = () => stack.bff.app.get(ProxyHotPath);

  it('a plain read: one round trip (session and token record together) and no write', async () => {
    let served = 0;
    const seen = await commandsOf(async () => {
      served = hotPath().served;
      const res = await client.api(stack.url, 'GET', '/authentication-methods');
      expect(res.status).toBe(200);
    });
    const sid = stack.sessionId(client);
    // One script over this session's keys (one slot), and inside it only reads: no write, no second trip.
    expect(
      seen.map(([command, ...args]) => [command.toLowerCase(), ...args.slice(command === 'evalsha' ? 1 : 0)]),
    ).toEqual([
      ['evalsha', '3', `bff:{${sid}}:sess`, `bff:{${sid}}:tokens`, `bff:{${sid}}:dead`],
      ['exists', `bff:{${sid}}:dead`],
      ['hmget', `bff:{${sid}}:sess`, 'data', 'created', 'seen'],
      ['hmget', `bff:{${sid}}:tokens`, 'v', 'ct'],
    ]);
    expect(hotPath().served).toBe(served + 1);
  });

  it('writes activity once the touch interval has passed, and then not again', async () => {
    const sid = stack.sessionId(client);
    const admin = stack.redis.client();
    const interval = stack.bff.config.session.touchIntervalSeconds * 1000;
    try {
      await admin.hset(`bff:{${sid}}:sess`, 'seen', String(Date.now() - interval - 1000));
      const seen = await commandsOf(async () => {
        for (let i = 0; i < 3; i++) {
          expect((await client.api(stack.url, 'GET', '/authentication-methods')).status).toBe(200);
          await new Promise((r) => setTimeout(r, 50)); // the write runs beside the upstream call
        }
      }, false);
      const writes = seen.filter(([command]) => /^(hset|pexpire|set|del)$/i.test(command));
      expect(writes.map(([command, key, field]) => [command.toLowerCase(), key, field])).toEqual([
        ['hset', `bff:{${sid}}:sess`, 'seen'],
        ['pexpire', `bff:{${sid}}:sess`, expect.any(String)],
        ['pexpire', `bff:{${sid}}:tokens`, expect.any(String)],
      ]);
      const scripts = seen.filter(([command]) => /^eval(sha)?$/i.test(command));
      expect(scripts).toHaveLength(4); // 3 reads, 1 activity write
    } finally {
      admin.disconnect();
    }
  });
});
