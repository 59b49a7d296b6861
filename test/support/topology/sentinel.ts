import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisNode, waitFor } from './redis-node.js';

export const SENTINEL_MASTER_NAME = 'bffmaster';
/**
 * Sentinel's down-after-milliseconds in tests: a dead master is replaced ~3-4 s after. The sentinels
 * reach the servers through the same delaying proxies as the BFF, and ping once a second, so replies
 * held back 1.5 s leave up to 2.5 s between two replies: below this, the slow-reply fault would look
 * like a dead master and start a failover in the middle of it (with 2000 ms it did: a replica was
 * promoted while the old master kept its clients, and sessions written to either side were lost).
 */
export const SENTINEL_DOWN_AFTER_MS = 3000;

/** A real Sentinel group: one master, two replicas, three sentinels (quorum 2). */
export interface TestRedisSentinel {
  readonly servers: RedisNode[];
  readonly sentinels: RedisNode[];
  /** `{host, port}` of every sentinel (the BFF's `redis.sentinel.sentinels`). */
  readonly seeds: Array<{ host: string; port: number }>;
  readonly name: string;
  /** The server the sentinels name as master now. */
  master(): Promise<RedisNode>;
  /** Graceful failover (SENTINEL FAILOVER): resolves once another server is master. */
  failover(): Promise<void>;
  /** Resolves once the sentinels name a live master that says it is master and has a replica online. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRedisSentinel(
  options: { persistence?: boolean } = {},
): Promise<TestRedisSentinel> {
  const started: RedisNode[] = [];
  try {
    // Every server announces its proxy's port, so sentinels and clients go through the proxies.
    const announce = (_p: number, _d: string, publicPort: number) => [
      '--replica-announce-port',
      String(publicPort),
    ];
    const master = await RedisNode.start(announce, options);
    started.push(master);
    const servers = [master];
    for (let i = 0; i < 2; i++) {
      const replica = await RedisNode.start(
        (p, d, publicPort) => [
          ...announce(p, d, publicPort),
          '--replicaof',
          '127.0.0.1',
          String(master.publicPort),
        ],
        options,
      );
      started.push(replica);
      servers.push(replica);
    }
    const sentinels: RedisNode[] = [];
    for (let i = 0; i < 3; i++) {
      const sentinel = await RedisNode.start((port, dir) => {
        const file = join(dir, 'sentinel.conf');
        writeFileSync(
          file,
          [
            `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${master.publicPort} 2`,
            `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} ${SENTINEL_DOWN_AFTER_MS}`,
            `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 3000`,
            `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 2`,
            '',
          ].join('\n'),
        );
        return [file, '--sentinel'];
      });
      started.push(sentinel);
      sentinels.push(sentinel);
    }
    const masterPort = async (): Promise<number | undefined> => {
      for (const s of sentinels.filter((n) => n.alive)) {
        const addr = (await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME)) as
          string[] | undefined;
        if (addr) return Number(addr[1]);
      }
      return undefined;
    };
    const group: TestRedisSentinel = {
      servers,
      sentinels,
      seeds: sentinels.map((s) => ({ host: s.host, port: s.publicPort })),
      name: SENTINEL_MASTER_NAME,
      master: async () => {
        const port = await masterPort();
        const node = servers.find((s) => s.publicPort === port);
        if (!node) throw new Error('the sentinels name no known master');
        return node;
      },
      failover: async () => {
        const before = await masterPort();
        // Refused (INPROG) shortly after another failover: a sentinel waits 2 × failover-timeout.
        await waitFor(
          async () => (await sentinels[0].call('SENTINEL', 'FAILOVER', SENTINEL_MASTER_NAME)) === 'OK',
          20_000,
          'SENTINEL FAILOVER accepted',
          250,
        );
        await waitFor(async () => (await masterPort()) !== before, 20_000, 'sentinel failover');
        await group.waitHealthy();
      },
      waitHealthy: (timeoutMs = 20_000) =>
        waitFor(
          async () => {
            const port = await masterPort();
            const node = servers.find((s) => s.publicPort === port);
            if (!node?.alive) return false;
            const info = (await node.call('INFO', 'replication')) as string | undefined;
            if (!info?.includes('role:master') || !/connected_slaves:[1-9]/.test(info)) return false;
            // Every sentinel sees the other two (so a quorum can elect a leader).
            for (const s of sentinels.filter((n) => n.alive)) {
              const m = (await s.call('SENTINEL', 'MASTER', SENTINEL_MASTER_NAME)) as string[] | undefined;
              const i = m?.indexOf('num-other-sentinels') ?? -1;
              if (i < 0 || Number(m?.[i + 1]) < 2) return false;
            }
            return true;
          },
          timeoutMs,
          'sentinel group healthy',
          100,
        ),
      close: async () => {
        await Promise.all(started.map((n) => n.close()));
      },
    };
    await group.waitHealthy();
    return group;
  } catch (err) {
    await Promise.all(started.map((n) => n.close()));
    throw err;
  }
}
