// The tables, each target beside its measured figure with pass/miss, and the dated results files
// (bench/results/YYYY-MM-DD-HHMM.json + .md, UTC).
export const TARGETS = {
  bffCpuVsFloorMax: 1.4,
  bffRpsVsFloorMin: 0.7,
  bffRpsVsEocMin: 2.8,
  addedP50MsMax: 0.4,
  addedP99MsMax: 2,
  rssGrowthMax: 0.1,
  startToReadyMsMax: 1500,
};

const fmt = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Per scenario: the median over rounds of each number. */
export function summarise(runs) {
  const out = {};
  for (const [name, rounds] of Object.entries(runs)) {
    out[name] = {
      rps: median(rounds.map((r) => r.rps)),
      p50: median(rounds.map((r) => r.latencyMs.p50)),
      p99: median(rounds.map((r) => r.latencyMs.p99)),
      cpuServer: median(rounds.map((r) => r.cpuMicrosPerRequest.server)),
      cpuRedis:
        rounds[0].cpuMicrosPerRequest.redis === undefined
          ? null
          : median(rounds.map((r) => r.cpuMicrosPerRequest.redis)),
      serverCores: median(rounds.map((r) => r.cpuCores.server)),
      rssMiB: median(rounds.map((r) => r.rssMiB.server)),
      failures: rounds.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
      redisCommands: rounds.at(-1).redisCommandsPerRequest ?? null,
      logBytes: rounds.at(-1).logBytesPerRequest ?? null,
    };
  }
  return out;
}

export function ratios(s) {
  const r = {};
  if (s.bff && s.floor) r.bffCpuVsFloor = s.bff.cpuServer / s.floor.cpuServer;
  if (s.bff && s.floor) r.bffRpsVsFloor = s.bff.rps / s.floor.rps;
  if (s.bff && s.eoc) r.bffRpsVsEoc = s.bff.rps / s.eoc.rps;
  if (s.bff && s.eoc) r.eocCpuVsBff = s.eoc.cpuServer / s.bff.cpuServer;
  if (s.bff && s.direct) r.bffRpsVsDirect = s.bff.rps / s.direct.rps;
  return r;
}

export function printTable(summary, r, settings) {
  const rows = [
    [
      '',
      'req/s',
      'p50 ms',
      'p99 ms',
      'server CPU µs/req',
      'server cores',
      'redis CPU µs/req',
      'non-2xx/errors',
    ],
  ];
  for (const [name, s] of Object.entries(summary)) {
    rows.push([
      name,
      fmt(s.rps),
      fmt(s.p50, 1),
      fmt(s.p99, 1),
      fmt(s.cpuServer),
      fmt(s.serverCores, 2),
      fmt(s.cpuRedis),
      String(s.failures),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${settings}\n`);
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log('');
  for (const [name, s] of Object.entries(summary)) {
    if (!s.redisCommands) continue;
    const cmds =
      Object.entries(s.redisCommands)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') || 'none';
    const log = s.logBytes === null ? '' : `; stdout ${fmt(s.logBytes, 1)} B`;
    console.log(`${name.padEnd(6)} per request: Redis ${cmds}${log}`);
  }
}

/**
 * Every target beside what this run measured: { target, measured, pass } (pass null when the run did not
 * measure it, e.g. a BENCH_ONLY subset or BENCH_SKIP).
 */
export function checkTargets({ ratios: r = {}, latency, memory, ready }) {
  const T = TARGETS;
  const bffLat = latency?.bff;
  const rows = [
    [
      'BFF CPU per request vs floor',
      `≤ ${T.bffCpuVsFloorMax}x`,
      r.bffCpuVsFloor,
      (v) => `${fmt(v, 2)}x`,
      (v) => v <= T.bffCpuVsFloorMax,
    ],
    [
      'BFF throughput vs floor',
      `≥ ${T.bffRpsVsFloorMin}x`,
      r.bffRpsVsFloor,
      (v) => `${fmt(v, 2)}x`,
      (v) => v >= T.bffRpsVsFloorMin,
    ],
    [
      'BFF throughput vs eoc',
      `≥ ${T.bffRpsVsEocMin}x`,
      r.bffRpsVsEoc,
      (v) => `${fmt(v, 2)}x`,
      (v) => v >= T.bffRpsVsEocMin,
    ],
    [
      'BFF unloaded p50 added over direct',
      `≤ ${T.addedP50MsMax} ms`,
      bffLat?.addedP50,
      (v) => `${fmt(v, 3)} ms`,
      (v) => v <= T.addedP50MsMax,
    ],
    [
      'BFF unloaded p99 added over direct',
      `≤ ${T.addedP99MsMax} ms`,
      bffLat?.addedP99,
      (v) => `${fmt(v, 3)} ms`,
      (v) => v <= T.addedP99MsMax,
    ],
    [
      `BFF RSS at ${memory?.sessions ?? '100000'} sessions vs at 10`,
      `within ${T.rssGrowthMax * 100} %`,
      memory?.growth,
      (v) => `${v >= 0 ? '+' : ''}${fmt(v * 100, 1)} % (${memory.rssMiBAt10} → ${memory.rssMiBAtMany} MiB)`,
      (v) => Math.abs(v) <= T.rssGrowthMax,
    ],
    [
      'BFF start to ready (spawn → /readyz 200)',
      `≤ ${T.startToReadyMsMax} ms`,
      ready?.medianMs,
      (v) => `${fmt(v)} ms (median of ${ready.samplesMs.length}, max ${fmt(Math.max(...ready.samplesMs))})`,
      (v) => v <= T.startToReadyMsMax,
    ],
  ];
  return rows.map(([what, target, value, show, ok]) => ({
    what,
    target,
    measured: value === undefined || value === null ? 'not measured' : show(value),
    value: value ?? null,
    pass: value === undefined || value === null ? null : ok(value),
  }));
}

export const verdict = (pass) => (pass === null ? '-' : pass ? 'pass' : 'MISS');

export function printLatency(latency) {
  console.log('\nUnloaded (1 connection, one request at a time), ms:');
  for (const [name, s] of Object.entries(latency)) {
    const added =
      s.addedP50 === undefined
        ? ''
        : `   added over direct: p50 ${fmt(s.addedP50, 3)}, p99 ${fmt(s.addedP99, 3)}`;
    console.log(
      `  ${name.padEnd(6)} p50 ${fmt(s.p50, 3)}  p99 ${fmt(s.p99, 3)}  (${s.samples} samples)${added}`,
    );
  }
}

export function printTargets(checks) {
  const w = Math.max(...checks.map((c) => c.what.length));
  const t = Math.max(...checks.map((c) => c.target.length));
  console.log('\nTargets:');
  for (const c of checks)
    console.log(`  ${c.what.padEnd(w)}  ${c.target.padEnd(t)}  ${verdict(c.pass).padEnd(4)}  ${c.measured}`);
}
