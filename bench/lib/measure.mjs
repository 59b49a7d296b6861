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
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMicros(pid) - before[k]]));
  const ok = result['2xx'];
  return {
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    rps: ok / seconds,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    cpuMicrosPerRequest: Object.fromEntries(Object.entries(cpu).map(([k, us]) => [k, ok ? us / ok : null])),
    cpuCores: Object.fromEntries(Object.entries(cpu).map(([k, us]) => [k, us / 1e6 / seconds])),
  };
}
