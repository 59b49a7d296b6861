import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { startProcessStack, type ProcessStack } from '../support/process-stack.js';

/** Two BFF OS processes behind one origin share every session through Redis. */
describe('BFF processes behind one origin', () => {
  let stack: ProcessStack;

  beforeAll(async () => {
    stack = await startProcessStack({ processes: 2 });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('a session made through the balancer is read by each process directly, and a logout on one ends it on all', async () => {
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.url)).status).toBe(302);
    const cookie = Object.entries(client.cookies(`${stack.url}/api/session`))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const readOn = (url: string) =>
      fetch(`${url}/api/session`, { headers: { cookie, 'x-csrf': '1' } }).then((r) => r.status);
    for (const p of stack.processes) expect(await readOn(p.url)).toBe(200);

    const logout = await client.post(`${stack.url}/auth/logout`, { headers: { 'x-csrf': '1' } });
    expect(logout.status).toBe(200);
    for (const p of stack.processes) expect(await readOn(p.url)).toBe(401);
    expect(stack.balancer.stats.failed).toBe(0);
  });
});
