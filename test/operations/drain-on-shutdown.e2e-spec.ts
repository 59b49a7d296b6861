import { jest } from '@jest/globals';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { startReadLoops } from '../support/read-loops.js';
import { startProcessStack, type ProcessStack } from '../support/process-stack.js';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DRAIN_MS = 2000;

/**
 * Readiness first (`server.drainDelayMs`): on SIGTERM a process answers `/readyz` 503 and goes on serving
 * for the drain delay, then closes its listener. A balancer that polls readiness (here: the test, every
 * 100 ms, as Caddy's `health_uri` does) stops routing to it before the listener closes, so no request even
 * meets a refused connection, unlike a process that closes at once (graceful-shutdown.e2e-spec.ts).
 */
describe('drain on shutdown: readiness 503 before the listener closes', () => {
  let stack: ProcessStack;

  beforeAll(async () => {
    stack = await startProcessStack({ processes: 2, config: { server: { drainDelayMs: DRAIN_MS } } });
  }, 150_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('SIGTERM under load: 503 on /readyz while serving, no refused or reset connection, then exit', async () => {
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.url)).status).toBe(302);
    const cookie = Object.entries(client.cookies(`${stack.url}/api/session`))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const [victim, survivor] = stack.processes;

    // The health checker: routes only to processes whose /readyz answers 200.
    const readiness = new Map<string, { status: number; body: unknown }>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        for (const p of stack.processes) {
          const answer = await fetch(`${p.url}/readyz`).then(
            async (res) => ({ status: res.status, body: await res.json() }),
            () => ({ status: 0, body: null }),
          );
          readiness.set(p.name, answer);
        }
        stack.balancer.setBackends(
          stack.processes.filter((p) => readiness.get(p.name)?.status === 200).map((p) => p.url),
        );
        await sleep(100);
      }
    })();

    const paths = ['/api/me/v1/authentication-methods', '/api/session'];
    const loops = startReadLoops(stack.url, cookie, paths, 4);
    await sleep(500);

    const signalledAt = Date.now();
    victim.kill('SIGTERM');
    // Within the drain delay: not ready, still alive, still serving a read on its own port.
    await sleep(300);
    const ready = await fetch(`${victim.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', checks: { shutdown: 'draining' } });
    expect((await fetch(`${victim.url}/healthz`)).status).toBe(200);
    const direct = await fetch(`${victim.url}/api/me/v1/authentication-methods`, {
      headers: { cookie, 'x-csrf': '1' },
    });
    expect(direct.status).toBe(200);
    await direct.arrayBuffer();

    const exit = await victim.exited;
    const exitMs = Date.now() - signalledAt;
    await sleep(300);
    const statuses = await loops.stop();
    polling = false;
    await poller;

    expect(exitMs).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(exitMs).toBeLessThan(DRAIN_MS + 10_000);
    expect(['SIGTERM', 0]).toContain(exit);
    expect([...statuses.keys()].filter((key) => !key.endsWith(' 200'))).toEqual([]);
    expect(stack.balancer.stats.failed).toBe(0);
    // The balancer had stopped routing to the victim before its listener closed.
    expect(stack.balancer.stats.retriedRefused).toBe(0);
    expect(stack.balancer.stats.retriedReset).toBe(0);
    expect(readiness.get(survivor.name)?.body).toMatchObject({ checks: { shutdown: 'no' } });
  });
});
