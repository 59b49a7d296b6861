import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The benchmark's own modules are plain ESM scripts (run by `npm run bench`, not compiled): loaded here by
// URL, with the few signatures these tests use.
interface Check {
  what: string;
  measured: string;
  pass: boolean | null;
}
interface Report {
  checkTargets: (results: object) => Check[];
}
interface Sessions {
  signedCookieValue: (sid: string, secret: string) => string;
}
interface Results {
  renderMarkdown: (results: object) => string;
}
const load = <T>(file: string): Promise<T> =>
  import(
    pathToFileURL(fileURLToPath(new URL(`../../bench/lib/${file}`, import.meta.url))).href
  ) as Promise<T>;

// The signer express-session itself uses (its own dependency, resolved from express-session's folder).
const fromExpressSession = createRequire(createRequire(import.meta.url).resolve('express-session'));
const { sign } = fromExpressSession('cookie-signature') as {
  sign: (value: string, secret: string) => string;
};

const passOf = (checks: Check[], prefix: string) => checks.find((c) => c.what.startsWith(prefix))?.pass;

describe('bench targets', () => {
  const measured = (over: Record<string, unknown> = {}) => ({
    ratios: { bffCpuVsFloor: 1.4, bffRpsVsFloor: 0.7, bffRpsVsEoc: 2.8 },
    latency: { bff: { addedP50: 0.4, addedP99: 2 } },
    memory: { sessions: 100000, rssMiBAt10: 100, rssMiBAtMany: 110, growth: 0.1 },
    ready: { samplesMs: [1400, 1500, 1600], medianMs: 1500 },
    ...over,
  });

  it('passes every target measured exactly at its limit', async () => {
    const { checkTargets } = await load<Report>('report.mjs');
    const checks = checkTargets(measured());
    expect(checks).toHaveLength(7);
    expect(checks.map((c) => c.pass)).toEqual(Array(7).fill(true));
  });

  it.each([
    [
      'BFF CPU per request vs floor',
      { ratios: { bffCpuVsFloor: 1.41, bffRpsVsFloor: 0.7, bffRpsVsEoc: 2.8 } },
    ],
    ['BFF throughput vs floor', { ratios: { bffCpuVsFloor: 1, bffRpsVsFloor: 0.69, bffRpsVsEoc: 2.8 } }],
    ['BFF throughput vs eoc', { ratios: { bffCpuVsFloor: 1, bffRpsVsFloor: 0.7, bffRpsVsEoc: 2.79 } }],
    ['BFF unloaded p50', { latency: { bff: { addedP50: 0.401, addedP99: 1 } } }],
    ['BFF unloaded p99', { latency: { bff: { addedP50: 0.1, addedP99: 2.01 } } }],
    ['BFF RSS', { memory: { sessions: 100000, rssMiBAt10: 100, rssMiBAtMany: 111, growth: 0.11 } }],
    ['BFF RSS', { memory: { sessions: 100000, rssMiBAt10: 100, rssMiBAtMany: 89, growth: -0.11 } }],
    ['BFF start to ready', { ready: { samplesMs: [1501], medianMs: 1501 } }],
  ])('misses %s just past its limit', async (what, over) => {
    const { checkTargets } = await load<Report>('report.mjs');
    expect(passOf(checkTargets(measured(over)), what)).toBe(false);
  });

  it('says "not measured" for what a partial run left out, in the file too', async () => {
    const { checkTargets } = await load<Report>('report.mjs');
    const { renderMarkdown } = await load<Results>('results.mjs');
    const checks = checkTargets({ ratios: {} });
    expect(checks.every((c) => c.pass === null && c.measured === 'not measured')).toBe(true);
    const md = renderMarkdown({
      date: '2026-01-01T00:00:00.000Z',
      machine: { cpus: 2, model: 'x', node: 'v20', loadavgBefore: [1, 2, 3], loadavgAfter: [4, 5, 6] },
      settings: {
        short: true,
        connections: 1,
        durationSeconds: 1,
        warmupSeconds: 1,
        rounds: 1,
        latencySamples: 1,
        sessions: 10,
        logLevel: 'warn',
      },
      targets: checks,
    });
    expect(md).toContain('load average (1/5/15 min) 1.00 / 2.00 / 3.00 before, 4.00 / 5.00 / 6.00 after');
    expect(md).toContain('| BFF start to ready (spawn → /readyz 200) | ≤ 1500 ms | not measured | - |');
  });
});

describe('bench session cookies', () => {
  it("sign a session id exactly as express-session's cookie-signature does", async () => {
    const { signedCookieValue } = await load<Sessions>('sessions.mjs');
    const sid = 'AbC-_0123456789abcdefghijklmnopqrstuvwxyzABC';
    expect(signedCookieValue(sid, 'secret-1')).toBe(encodeURIComponent(`s:${sign(sid, 'secret-1')}`));
    expect(signedCookieValue(sid, 'secret-1')).not.toBe(signedCookieValue(sid, 'secret-2'));
  });
});
