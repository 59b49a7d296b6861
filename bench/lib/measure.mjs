// Load with autocannon (in this process) and CPU of the server processes from /proc/<pid>/stat
// (utime + stime of all their threads), read right before and right after the measured window.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time (µs) a process has used so far. */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5) (utime, stime) are at 11 and 12 once pid and comm are cut off.
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

export function rssMiB(pid) {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Math.round(Number(kb) / 102.4) / 10 : undefined;
}

export function load({ url, headers, connections, durationSeconds }) {
  return autocannon({ url, headers, connections, duration: durationSeconds, pipelining: 1, timeout: 10 });
}

/**
 * One measured window: autocannon against `target.url`; CPU of `pids` (name → pid) over exactly that
 * window. Returns throughput, latency, error counts and CPU µs per successful request.
 */
export async function measure(target, pids, { connections, durationSeconds }) {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMicros(pid)]));
  const started = process.hrtime.bigint();
  const result = await load({ url: target.url, headers: target.headers, connections, durationSeconds });
  const ended = process.hrtime.bigint();
  const seconds = Number(ended - started) / 1e9;
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMicros(pid) - before[k]]));
  const ok = result['2xx'];
  return {
    // CLOCK_MONOTONIC µs, the clock of V8's CPU profiles too: a profile can be cut to this window.
    windowMicros: [Number(started / 1000n), Number(ended / 1000n)],
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    rps: ok / seconds,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    cpuMicrosPerRequest: Object.fromEntries(Object.entries(cpu).map(([k, us]) => [k, ok ? us / ok : null])),
    rssMiB: Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, rssMiB(pid)])),
    cpuCores: Object.fromEntries(Object.entries(cpu).map(([k, us]) => [k, us / 1e6 / seconds])),
  };
}

/** Calls per Redis command so far (INFO commandstats), from a short-lived connection. */
export async function redisCommandCounts(url) {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { maxRetriesPerRequest: 0, lazyConnect: true });
  try {
    await client.connect();
    const info = await client.info('commandstats');
    const counts = {};
    for (const [, cmd, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts[cmd] = Number(calls);
    return counts;
  } finally {
    client.disconnect();
  }
}

/** Commands per successful request between two snapshots (the snapshots' own INFO calls left out). */
export function commandsPerRequest(before, after, ok) {
  const out = {};
  for (const [cmd, calls] of Object.entries(after)) {
    const delta = calls - (before[cmd] ?? 0);
    if (cmd !== 'info' && cmd !== 'client' && cmd !== 'hello' && delta > 0)
      out[cmd] = Math.round((100 * delta) / ok) / 100;
  }
  return out;
}
