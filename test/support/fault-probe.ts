import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One answer seen while a store fault was going on. */
export interface Sample {
  /** Which client / session asked (index into the caller's list). */
  who: number;
  status: number;
  /** Milliseconds from sending the request to the end of its body. */
  ms: number;
  retryAfter: string | null;
  code?: string;
  at: number;
}

/** The `s:<sid>.<signature>` cookie value of express-session → the session id. */
export function sidOfCookie(value: string): string {
  const decoded = decodeURIComponent(value);
  return decoded.slice(2, decoded.lastIndexOf('.'));
}

/** GET `url` with `cookie`, timed. A failed connection counts as status 0. */
export async function timedGet(url: string, cookie: string, who = 0): Promise<Sample> {
  const started = Date.now();
  try {
    const res = await fetch(url, { headers: { cookie, 'x-csrf': '1' }, signal: AbortSignal.timeout(10_000) });
    const body = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(body) as { code?: string }).code;
    } catch {
      code = undefined;
    }
    return {
      who,
      status: res.status,
      ms: Date.now() - started,
      retryAfter: res.headers.get('retry-after'),
      code,
      at: started,
    };
  } catch {
    return { who, status: 0, ms: Date.now() - started, retryAfter: null, at: started };
  }
}

/**
 * Keeps `concurrency` loops sending `request` until `stop()` resolves; returns every answer. The
 * continuous load of a fault test.
 */
export async function underLoad(
  concurrency: number,
  request: (i: number) => Promise<Sample>,
  during: () => Promise<void>,
): Promise<Samples> {
  const samples: Sample[] = [];
  let running = true;
  let n = 0;
  // This process also runs the delaying proxies and spawns the restarted redis-server (a fork of a
  // large jest process can hold its event loop for hundreds of ms on a busy machine): such a stall
  // delays every answer as this process sees it, although the BFF processes answered in time.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) samples.push(await request(n++));
  });
  try {
    await during();
  } finally {
    running = false;
    await Promise.all(loops);
    lag.disable();
  }
  return Object.assign(samples, { testProcessStallMs: Math.round(lag.max / 1e6) });
}

/** The answers of `underLoad`, and the longest stall of this (the measuring) process meanwhile. */
export type Samples = Sample[] & { testProcessStallMs: number };

/**
 * What a store fault may do to answers: 200, or a 503 `session_store_unavailable` with Retry-After
 * within `maxMs`. Returns the samples that break that rule (expect it to be empty) with a reason each.
 */
export function faultViolations(samples: Sample[], maxMs: number): Array<Sample & { why: string }> {
  const out: Array<Sample & { why: string }> = [];
  for (const s of samples) {
    if (s.status === 200) continue;
    if (s.status !== 503) out.push({ ...s, why: `status ${s.status}` });
    else if (s.code !== 'session_store_unavailable') out.push({ ...s, why: `code ${s.code}` });
    else if (!s.retryAfter || !/^\d+$/.test(s.retryAfter)) out.push({ ...s, why: 'no Retry-After' });
    else if (s.ms > maxMs) out.push({ ...s, why: `503 after ${s.ms} ms > ${maxMs} ms` });
  }
  return out;
}

/**
 * The answer-time budget of a 503: the command timeout plus 100 ms for the BFF itself, plus the slowest
 * of the healthy answers measured just before the fault (what this machine's load adds to any answer
 * right now, e.g. eight test suites on two cores), plus the longest stall of the measuring process during
 * the fault (`during`), so a loaded test machine does not count as a slow store. Reported figures are
 * the raw ones.
 */
export function budgetMs(commandTimeoutMs: number, healthy: Sample[], during?: Samples): number {
  return (
    commandTimeoutMs + 100 + Math.max(0, ...healthy.map((s) => s.ms)) + (during?.testProcessStallMs ?? 0)
  );
}

/** Median, p99 and max of the 503 answers' times. */
export function latencyOf503(samples: Sample[] | Samples): {
  n: number;
  p50: number;
  p99: number;
  max: number;
  testProcessStallMs?: number;
} {
  const ms = samples
    .filter((s) => s.status === 503)
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  const at = (q: number) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] : 0);
  const stall = 'testProcessStallMs' in samples ? { testProcessStallMs: samples.testProcessStallMs } : {};
  return { n: ms.length, p50: at(0.5), p99: at(0.99), max: ms.at(-1) ?? 0, ...stall };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
