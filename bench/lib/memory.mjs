// The BFF's memory against the number of sessions: RSS after reads spread over 10 sessions, then again
// after the store holds `sessions` of them and the same number of reads went round all of them. A BFF
// that keeps nothing per session in the process shows the same RSS both times.
import autocannon from 'autocannon';
import { rssMiB } from './measure.mjs';
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
  if (bad) throw new Error(`${bad} of ${reads} reads across ${cookies.length} sessions failed`);
  return result;
}

/** RSS once the process settled: the median of five samples 200 ms apart, two seconds after the load. */
async function settledRss(pid) {
  await sleep(2000);
  const samples = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssMiB(pid));
    await sleep(200);
  }
  return samples.sort((a, b) => a - b)[2];
}

/**
 * `seeder` (bench/lib/sessions.mjs) writes sessions into the BFF's Redis; `templateCookie` is the one
 * real login. Returns RSS (MiB) at 10 and at `sessions` sessions, with what was done to get there.
 */
export async function rssBySessions({ url, pid, seeder, templateCookie, sessions, reads, connections, say }) {
  const few = [templateCookie, ...(await seeder.create(9))];
  // A warm-up first, so the first figure is not taken while the heap and the JIT are still growing.
  await readAcross(url, few, Math.min(reads, WARMUP_READS), connections);
  await readAcross(url, few, reads, connections);
  const rssAt10 = await settledRss(pid);
  say(`RSS with 10 sessions after ${reads} reads: ${rssAt10} MiB; creating ${sessions - 10} more ...`);
  const started = Date.now();
  const many = [...few, ...(await seeder.create(sessions - 10))];
  const createSeconds = (Date.now() - started) / 1000;
  const readStarted = Date.now();
  await readAcross(url, many, reads, connections);
  const readSeconds = (Date.now() - readStarted) / 1000;
  const rssAtMany = await settledRss(pid);
  say(`RSS with ${sessions} sessions after ${reads} reads across them: ${rssAtMany} MiB`);
  return {
    sessions,
    reads,
    distinctSessionsRead: Math.min(reads, many.length),
    createSeconds,
    readSeconds,
    rssMiBAt10: rssAt10,
    rssMiBAtMany: rssAtMany,
    growth: rssAtMany / rssAt10 - 1,
  };
}
