// The BFF's memory against the number of sessions: RSS after reads spread over 10 sessions, then again
// after the store holds `sessions` of them and the same number of reads went round all of them. A BFF
// that keeps nothing per session in the process shows the same RSS both times.
import autocannon from 'autocannon';
import { sleep } from './processes.mjs';

const WARMUP_READS = 20_000;

/** `reads` proxied GETs, each with the next cookie of `cookies` in turn; throws on any non-200. */
async function readAcross(url, cookies, reads, connections) {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    amount: reads,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, cookie: cookies[next++ % cookies.length] },
        }),
      },
    ],
    headers: { 'x-csrf': '1', accept: 'application/json' },
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad)
    throw new Error(
      `${bad} of ${reads} reads across ${cookies.length} sessions failed (status counts ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors, ${result.timeouts} timeouts)`,
    );
  return result;
}

/** Memory once the load is over: a full GC (inspector), then process.memoryUsage() in MiB. */
async function settled(inspector) {
  await sleep(1000);
  const { rss, heapUsed, external, arrayBuffers } = await inspector.memoryAfterGc();
  return { rss, heapUsed, external, arrayBuffers };
}

/**
 * `seeder` (bench/lib/sessions.mjs) writes sessions into the BFF's Redis; `inspector`
 * (bench/lib/inspector.mjs) reaches the BFF. Returns memory (MiB, after a full GC) at 10 and at `sessions`
 * sessions, with what was done to get there.
 */
export async function rssBySessions({ url, inspector, seeder, sessions, reads, connections, say }) {
  // Written sessions only: the signed-in one's access token would expire during a long run.
  const few = await seeder.create(10);
  // A warm-up first, so the first figure is not taken while the heap and the JIT are still growing.
  await readAcross(url, few, Math.min(reads, WARMUP_READS), connections);
  await readAcross(url, few, reads, connections);
  const at10 = await settled(inspector);
  say(
    `after a GC, 10 sessions: RSS ${at10.rss} MiB, heap ${at10.heapUsed} MiB; writing ${sessions - 10} more ...`,
  );
  const started = Date.now();
  const many = [...few, ...(await seeder.create(sessions - 10))];
  const createSeconds = (Date.now() - started) / 1000;
  const readStarted = Date.now();
  await readAcross(url, many, reads, connections);
  const readSeconds = (Date.now() - readStarted) / 1000;
  const atMany = await settled(inspector);
  say(`after a GC, ${sessions} sessions: RSS ${atMany.rss} MiB, heap ${atMany.heapUsed} MiB`);
  return {
    sessions,
    reads,
    distinctSessionsRead: Math.min(reads, many.length),
    createSeconds,
    readSeconds,
    rssMiBAt10: at10.rss,
    rssMiBAtMany: atMany.rss,
    growth: atMany.rss / at10.rss - 1,
    heapUsedMiBAt10: at10.heapUsed,
    heapUsedMiBAtMany: atMany.heapUsed,
    at10,
    atMany,
  };
}
