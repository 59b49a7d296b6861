// Unloaded latency: one connection, one request at a time, timed with the monotonic clock to the
// microsecond (autocannon's histogram rounds to whole milliseconds, too coarse for a 0.4 ms target).
// The targets take turns in blocks, so a burst of other work on the machine hits every target alike;
// "added" is a target's percentile minus the direct call's, the client's own cost cancelling out.
import { Client } from 'undici';

const BLOCK = 100;

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function once(client, path, headers) {
  const started = process.hrtime.bigint();
  const res = await client.request({ path, method: 'GET', headers });
  await res.body.dump({ limit: Infinity });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode} during the latency run`);
  return ms;
}

/**
 * `samples` timed requests per target after `warmup` untimed ones. Returns per target { p50, p90, p99,
 * max, samples } in ms, and per non-direct target the p50/p99 added over `direct`.
 */
export async function unloadedLatency(targets, { samples, warmup }) {
  const clients = targets.map((t) => {
    const url = new URL(t.url);
    return {
      name: t.name,
      client: new Client(url.origin, { pipelining: 1, keepAliveTimeout: 60_000 }),
      path: `${url.pathname}${url.search}`,
      headers: t.headers,
      times: [],
    };
  });
  try {
    for (const c of clients) for (let i = 0; i < warmup; i++) await once(c.client, c.path, c.headers);
    for (let done = 0; done < samples; done += BLOCK) {
      for (const c of clients)
        for (let i = 0; i < Math.min(BLOCK, samples - done); i++)
          c.times.push(await once(c.client, c.path, c.headers));
    }
  } finally {
    await Promise.all(clients.map((c) => c.client.close()));
  }
  const out = {};
  for (const c of clients) {
    const sorted = c.times.sort((a, b) => a - b);
    out[c.name] = {
      samples: sorted.length,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.at(-1),
    };
  }
  if (out.direct)
    for (const [name, s] of Object.entries(out))
      if (name !== 'direct') {
        s.addedP50 = s.p50 - out.direct.p50;
        s.addedP99 = s.p99 - out.direct.p99;
      }
  return out;
}
