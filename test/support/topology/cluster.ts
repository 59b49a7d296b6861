import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RedisNode, waitFor } from './redis-node.js';

/** Cluster node timeout of the test cluster: a dead master's replica is promoted ~1-2 s after. */
export const CLUSTER_NODE_TIMEOUT_MS = 1000;

/** A real Redis Cluster: 3 masters, 3 replicas, each its own redis-server process. */
export interface TestRedisCluster {
  readonly nodes: RedisNode[];
  /** `{host, port}` of every node (the BFF's `redis.cluster.nodes`). */
  readonly seeds: Array<{ host: string; port: number }>;
  /** The master serving `key`'s slot now. */
  masterOf(key: string): Promise<RedisNode>;
  /** A replica of `master`. */
  replicaOf(master: RedisNode): Promise<RedisNode>;
  /** Resolves once every live node reports cluster_state:ok and agrees on 3 masters. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface NodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  slots: Array<[number, number]>;
}

function parseNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, addr, flags, masterId, , , , , ...slots] = line.split(' ');
      return {
        id,
        port: Number(/:(\d+)@/.exec(addr)?.[1]),
        flags: flags.split(','),
        masterId,
        slots: slots
          .filter((s) => !s.startsWith('['))
          .map((s) => {
            const [a, b] = s.split('-').map(Number);
            return [a, b ?? a] as [number, number];
          }),
      };
    });
}

export async function startRedisCluster(options: { persistence?: boolean } = {}): Promise<TestRedisCluster> {
  const nodes: RedisNode[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      nodes.push(
        await RedisNode.start(
          (_port, _dir, publicPort) => [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            String(CLUSTER_NODE_TIMEOUT_MS),
            // Clients (and replicas) are told the proxy's port; the cluster bus stays direct.
            '--cluster-announce-port',
            String(publicPort),
            '--cluster-port',
            String(publicPort + 10000),
            '--cluster-announce-bus-port',
            String(publicPort + 10000),
          ],
          { ...options, busPort: true },
        ),
      );
    }
    // Asynchronously: redis-cli talks to the nodes through this process's proxies.
    await promisify(execFile)(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.publicPort}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
  } catch (err) {
    await Promise.all(nodes.map((n) => n.close()));
    throw err;
  }

  const view = async (): Promise<NodeLine[]> => {
    for (const node of nodes) {
      if (!node.alive) continue;
      const text = (await node.call('CLUSTER', 'NODES')) as string | undefined;
      if (text) return parseNodes(text);
    }
    throw new Error('no cluster node answers');
  };
  const byPort = (port: number) => {
    const node = nodes.find((n) => n.publicPort === port);
    if (!node) throw new Error(`no node on port ${port}`);
    return node;
  };
  const cluster: TestRedisCluster = {
    nodes,
    seeds: nodes.map((n) => ({ host: n.host, port: n.publicPort })),
    masterOf: async (key) => {
      const slot = Number(await nodes.find((n) => n.alive)?.call('CLUSTER', 'KEYSLOT', key));
      const master = (await view()).find(
        (l) =>
          l.flags.includes('master') &&
          !l.flags.includes('fail') &&
          l.slots.some(([a, b]) => slot >= a && slot <= b),
      );
      if (!master) throw new Error(`no master for slot ${slot}`);
      return byPort(master.port);
    },
    replicaOf: async (master) => {
      const lines = await view();
      const id = lines.find((l) => l.port === master.publicPort)?.id;
      const replica = lines.find((l) => l.masterId === id && !l.flags.includes('fail'));
      if (!replica) throw new Error(`no replica of ${master.port}`);
      return byPort(replica.port);
    },
    waitHealthy: (timeoutMs = 20_000) =>
      waitFor(
        async () => {
          for (const node of nodes.filter((n) => n.alive)) {
            const info = (await node.call('CLUSTER', 'INFO')) as string | undefined;
            if (!info?.includes('cluster_state:ok')) return false;
          }
          const lines = await view();
          const live = (l: NodeLine) => !l.flags.includes('fail') && !l.flags.includes('fail?');
          const masters = lines.filter((l) => l.flags.includes('master') && l.slots.length > 0 && live(l));
          const replicas = lines.filter((l) => l.flags.includes('slave') && live(l));
          if (masters.length !== 3 || replicas.length < nodes.filter((n) => n.alive).length - 3) return false;
          // Every live replica has synced with its master (else it could not take over).
          for (const line of replicas) {
            const info = (await byPort(line.port).call('INFO', 'replication')) as string | undefined;
            if (!info?.includes('master_link_status:up')) return false;
          }
          return true;
        },
        timeoutMs,
        'cluster healthy',
        100,
      ),
    close: async () => {
      await Promise.all(nodes.map((n) => n.close()));
    },
  };
  await cluster.waitHealthy();
  return cluster;
}
