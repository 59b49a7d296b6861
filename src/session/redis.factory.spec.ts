import { Cluster, Redis } from 'ioredis';
import pino from 'pino';
import { createRedisClient } from './redis.factory.js';

const logger = pino({ level: 'silent' });
const base = {
  url: 'redis://user:p%40ss@127.0.0.1:1',
  commandTimeoutMs: 200,
  connectTimeoutMs: 200,
  waitReplicas: null,
  waitTimeoutMs: 100,
};

describe('createRedisClient', () => {
  it('builds a fail-fast single-server client', () => {
    const client = createRedisClient({ ...base, sentinel: null, cluster: null }, logger);
    try {
      expect(client).toBeInstanceOf(Redis);
      expect(client.options).toMatchObject({
        commandTimeout: 200,
        connectTimeout: 200,
        maxRetriesPerRequest: 1,
      });
      expect(client.listenerCount('error')).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });

  it('builds a Sentinel client with the master name and the URL credentials', () => {
    const client = createRedisClient(
      {
        ...base,
        sentinel: { sentinels: [{ host: '127.0.0.1', port: 2 }], name: 'mymaster', password: 's' },
        cluster: null,
      },
      logger,
    ) as Redis;
    try {
      expect(client.options).toMatchObject({
        name: 'mymaster',
        sentinels: [{ host: '127.0.0.1', port: 2 }],
        sentinelPassword: 's',
        username: 'user',
        password: 'p@ss',
        commandTimeout: 200,
      });
    } finally {
      client.disconnect();
    }
  });

  it('builds a Cluster client over the seed nodes', () => {
    const client = createRedisClient(
      { ...base, sentinel: null, cluster: { nodes: [{ host: '127.0.0.1', port: 3 }] } },
      logger,
    ) as Cluster;
    try {
      expect(client).toBeInstanceOf(Cluster);
      expect(client.options.redisOptions).toMatchObject({
        commandTimeout: 200,
        maxRetriesPerRequest: 1,
        password: 'p@ss',
      });
    } finally {
      client.disconnect();
    }
  });
});
