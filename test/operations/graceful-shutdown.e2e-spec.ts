import { jest } from '@jest/globals';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { startReadLoops } from '../support/read-loops.js';
import { type BffProcess, startBffProcess } from '../support/bff-process.js';
import { startProcessStack, type ProcessStack } from '../support/process-stack.js';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERM to one of three BFF processes under continuous load: it stops accepting connections, finishes
 * the requests it holds (Redis and the upstream pool are closed only after), and exits; the balancer moves
 * refused connections to the other processes, so no client request fails.
 */
describe('graceful shutdown behind one origin', () => {
  let stack: ProcessStack;
  const more: BffProcess[] = [];
  let processes: BffProcess[];

  beforeAll(async () => {
    // One process at a time: several compiling at once on a busy machine start too slowly.
    stack = await startProcessStack({ processes: 1 });
    for (const name of ['bff-2', 'bff-3']) {
      more.push(
        await startBffProcess({
          issuer: stack.tenant.issuer,
          publicOrigin: stack.url,
          config: { redis: { url: stack.redis!.url } },
          name,
        }),
      );
    }
    processes = [...stack.processes, ...more];
    stack.balancer.setBackends(processes.map((p) => p.url));
  }, 150_000);
  afterAll(async () => {
    for (const p of more) await p.close();
    await stack?.close();
  });

  it('SIGTERM to one process under load: zero failed requests at the balancer, the process exits', async () => {
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.url)).status).toBe(302);
    const cookie = Object.entries(client.cookies(`${stack.url}/api/session`))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const paths = ['/api/me/v1/authentication-methods', '/api/session', '/api/me/v1/factors'];
    const loops = startReadLoops(stack.url, cookie, paths, 6);

    /** Waits (at most 30 s, the machine may be busy) until `count` more requests were answered. */
    const answered = async (count: number) => {
      const target = stack.balancer.stats.answered + count;
      const deadline = Date.now() + 30_000;
      while (stack.balancer.stats.answered < target && Date.now() < deadline) await sleep(50);
      return stack.balancer.stats.answered >= target;
    };
    expect(await answered(6)).toBe(true);
    const victim = processes[1];
    const signalledAt = Date.now();
    victim.kill('SIGTERM');
    const exit = await victim.exited;
    const exitMs = Date.now() - signalledAt;
    const servedAfterExit = await answered(6);
    const statuses = await loops.stop();

    expect(stack.balancer.stats.failed).toBe(0);
    expect([...statuses.keys()].filter((key) => !key.endsWith(' 200'))).toEqual([]);
    expect(servedAfterExit).toBe(true);
    // The process really went away while the load ran: the balancer met its closed port.
    expect(stack.balancer.stats.retriedRefused).toBeGreaterThan(0);
    expect(['SIGTERM', 0]).toContain(exit);
    expect(exitMs).toBeLessThan(10_000);
    for (const other of [processes[0], processes[2]])
      expect((await fetch(`${other.url}/readyz`)).status).toBe(200);
  });
});
