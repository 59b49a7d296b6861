import { startTestRedis } from './redis.js';

describe('test Redis server', () => {
  it('starts on a free port, survives stop/start, and closes', async () => {
    const redis = await startTestRedis();
    const client = redis.client();
    try {
      await client.set('k', 'v');
      expect(await client.get('k')).toBe('v');
      await redis.stop();
      await redis.start();
      expect(await client.ping()).toBe('PONG');
      expect(await client.get('k')).toBeNull();
    } finally {
      client.disconnect();
      await redis.close();
    }
  });
});
