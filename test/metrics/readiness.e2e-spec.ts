import { jest } from '@jest/globals';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';

jest.setTimeout(60_000);

const commandTimeoutMs = 300;
const stackOptions: TestStackOptions = {
  bff: { configure: (c) => void (c.redis = { ...c.redis, commandTimeoutMs }) },
};

/** `/readyz` follows the store: 503 while Redis does not answer (paused or stopped), 200 once it does. */
describeWithStack('GET /readyz and the session store', stackOptions, (stack) => {
  const readyz = async () => {
    const started = performance.now();
    const res = await fetch(`${stack.bff.url}/readyz`);
    return { status: res.status, body: await res.json(), ms: performance.now() - started };
  };

  it('is 200 while Redis answers', async () => {
    expect(await readyz()).toMatchObject({ status: 200, body: { checks: { redis: 'ok' } } });
  });

  it('is 503 within the command timeout while Redis is paused, and 200 again after', async () => {
    const admin = stack.redis.client();
    try {
      await admin.client('PAUSE', 1500, 'ALL');
      const paused = await readyz();
      expect(paused).toMatchObject({
        status: 503,
        body: { status: 'unavailable', checks: { redis: 'down' } },
      });
      expect(paused.ms).toBeLessThan(commandTimeoutMs + 500);
      await admin.client('UNPAUSE');
    } finally {
      admin.disconnect();
    }
    expect(await readyz()).toMatchObject({ status: 200, body: { checks: { redis: 'ok' } } });
  });

  it('is 503 while Redis is stopped, and 200 again once it is back', async () => {
    await stack.redis.stop();
    try {
      expect(await readyz()).toMatchObject({ status: 503, body: { checks: { redis: 'down' } } });
    } finally {
      await stack.redis.start();
    }
    const deadline = Date.now() + 10_000;
    let last = await readyz();
    while (last.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      last = await readyz();
    }
    expect(last).toMatchObject({ status: 200, body: { checks: { redis: 'ok' } } });
  });
});
