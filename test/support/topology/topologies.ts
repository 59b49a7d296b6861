import type { ConfigInput } from '../../../src/config/config.schema.js';
import { startRedisCluster } from './cluster.js';
import { RedisNode, waitFor } from './redis-node.js';
import { startRedisSentinel } from './sentinel.js';

export type TopologyName = 'single' | 'sentinel' | 'cluster';

/** A Redis deployment under test, with the faults a test can inflict on the master holding a key. */
export interface FaultTopology {
  readonly name: TopologyName;
  /** The BFF's `redis` settings for it (url, sentinel or cluster). */
  readonly redis: Partial<ConfigInput['redis']>;
  /** The node serving writes for `key` now. */
  masterOf(key: string): Promise<RedisNode>;
  /** `kill -9` of that master; resolves when another node (or the restarted one) serves as master. */
  crash(key: string): Promise<{ killedAt: number; promotedAt: number }>;
  /** Planned failover (Sentinel/Cluster) or a clean restart (single, persisted); resolves when done. */
  failover(key: string): Promise<{ promotedAt: number }>;
  /** Restarts every killed node (they come back as replicas) and waits until healthy. */
  heal(): Promise<void>;
  /** Every data node now: port, role, key count, replication link (for failure messages). */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

async function snapshotOf(nodes: RedisNode[]): Promise<string> {
  const lines: string[] = [];
  for (const node of nodes) {
    if (!node.alive) {
      lines.push(`${node.publicPort}: down`);
      continue;
    }
    const info = String((await node.call('INFO', 'replication')) ?? '');
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '-';
    lines.push(
      `${node.publicPort}: ${field('role')} keys=${String(await node.call('DBSIZE'))} link=${field('master_link_status')} master=${field('master_port')} offset=${field('master_repl_offset')}`,
    );
  }
  return lines.join('\n');
}

export async function startTopology(
  name: TopologyName,
  options: { persistence?: boolean } = {},
): Promise<FaultTopology> {
  if (name === 'cluster') return clusterTopology(options);
  if (name === 'sentinel') return sentinelTopology(options);
  return singleTopology(options);
}

async function singleTopology(options: { persistence?: boolean }): Promise<FaultTopology> {
  const node = await RedisNode.start([], { persistence: options.persistence ?? true });
  return {
    name: 'single',
    redis: { url: `redis://127.0.0.1:${node.publicPort}`, sentinel: null, cluster: null },
    masterOf: async () => node,
    crash: async () => {
      const killedAt = Date.now();
      await node.kill('SIGKILL');
      await node.restart();
      return { killedAt, promotedAt: Date.now() };
    },
    failover: async () => {
      await node.call('SHUTDOWN');
      await waitFor(async () => !node.alive, 10_000, 'redis shutdown');
      await node.restart();
      return { promotedAt: Date.now() };
    },
    heal: async () => {
      if (!node.alive) await node.restart();
    },
    snapshot: () => snapshotOf([node]),
    close: () => node.close(),
  };
}

async function clusterTopology(options: { persistence?: boolean }): Promise<FaultTopology> {
  const cluster = await startRedisCluster(options);
  const waitMaster = async (node: RedisNode) => {
    await waitFor(
      async () => (await node.role()) === 'master',
      30_000,
      `promotion of ${node.publicPort}`,
      20,
    );
    return Date.now();
  };
  return {
    name: 'cluster',
    redis: { cluster: { nodes: cluster.seeds }, sentinel: null },
    masterOf: (key) => cluster.masterOf(key),
    crash: async (key) => {
      const master = await cluster.masterOf(key);
      const replica = await cluster.replicaOf(master);
      const killedAt = Date.now();
      await master.kill('SIGKILL');
      return { killedAt, promotedAt: await waitMaster(replica) };
    },
    failover: async (key) => {
      const replica = await cluster.replicaOf(await cluster.masterOf(key));
      await replica.call('CLUSTER', 'FAILOVER');
      return { promotedAt: await waitMaster(replica) };
    },
    heal: async () => {
      for (const node of cluster.nodes) if (!node.alive) await node.restart();
      await cluster.waitHealthy(30_000);
    },
    snapshot: () => snapshotOf(cluster.nodes),
    close: () => cluster.close(),
  };
}

async function sentinelTopology(options: { persistence?: boolean }): Promise<FaultTopology> {
  const group = await startRedisSentinel(options);
  const waitNewMaster = async (old: RedisNode) => {
    await waitFor(
      async () => {
        const now = await group.master();
        return now !== old && (await now.role()) === 'master';
      },
      30_000,
      'sentinel promotion',
      20,
    );
    return Date.now();
  };
  return {
    name: 'sentinel',
    redis: { sentinel: { sentinels: group.seeds, name: group.name }, cluster: null },
    masterOf: () => group.master(),
    crash: async () => {
      const master = await group.master();
      const killedAt = Date.now();
      await master.kill('SIGKILL');
      return { killedAt, promotedAt: await waitNewMaster(master) };
    },
    failover: async () => {
      const master = await group.master();
      const done = group.failover();
      const promotedAt = await waitNewMaster(master);
      await done;
      return { promotedAt };
    },
    heal: async () => {
      for (const node of group.servers) if (!node.alive) await node.restart();
      await group.waitHealthy(30_000);
    },
    snapshot: () => snapshotOf(group.servers),
    close: () => group.close(),
  };
}
