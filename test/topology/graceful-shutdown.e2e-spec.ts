import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { sleep, timedGet, underLoad } from '../support/fault-probe.js';
import { startProcessStack, type ProcessStack } from '../support/process-stack.js';

/**
 * SIGTERM to one of three BFF processes under load: it stops listening, finishes what it accepted and
 * exits; the balancer moves refused connections to the others. No request fails.
 */
describe('graceful shutdown behind the balancer', () => {
  let stack: ProcessStack;

  beforeAll(async () => {
    stack = await startProcessStack({ processes: 3 });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('SIGTERM to one process under load: zero failed requests at the balancer', async () => {
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.url)).status).toBe(302);
    const cookie = Object.entries(client.cookies(`${stack.url}/api/session`))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const leaving = stack.processes[1];
    const samples = await underLoad(
      6,
      () => timedGet(`${stack.url}/api/session`, cookie),
      async () => {
        await sleep(1000);
        leaving.kill('SIGTERM');
        // Nest re-raises the signal once closed: the exit is by SIGTERM, after the drain.
        expect([0, 'SIGTERM']).toContain(await leaving.exited);
        await sleep(1000);
      },
    );
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    expect(stack.balancer.stats.failed).toBe(0);
    expect(stack.balancer.stats.retriedRefused).toBeGreaterThan(0);
  }, 60_000);
});
