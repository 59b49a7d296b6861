// The table, the ratios against the targets of DESIGN §11, and the raw results file.
import { mkdirSync, writeFileSync } from 'node:fs';

export const TARGETS = { bffCpuVsFloorMax: 1.4, bffRpsVsEocMin: 2.8 };

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
  console.log('');
  const verdict = (ok) => (ok ? 'meets target' : 'MISSES target');
  if (r.bffCpuVsFloor !== undefined)
    console.log(
      `bff CPU/req vs floor: ${r.bffCpuVsFloor.toFixed(2)}x (target ≤ ${TARGETS.bffCpuVsFloorMax}x: ${verdict(r.bffCpuVsFloor <= TARGETS.bffCpuVsFloorMax)})`,
    );
  if (r.bffRpsVsEoc !== undefined)
    console.log(
      `bff req/s vs eoc:     ${r.bffRpsVsEoc.toFixed(2)}x (target ≥ ${TARGETS.bffRpsVsEocMin}x: ${verdict(r.bffRpsVsEoc >= TARGETS.bffRpsVsEocMin)})`,
    );
  if (r.eocCpuVsBff !== undefined) console.log(`eoc CPU/req vs bff:   ${r.eocCpuVsBff.toFixed(2)}x`);
  if (r.bffRpsVsDirect !== undefined) console.log(`bff req/s vs direct:  ${r.bffRpsVsDirect.toFixed(2)}x`);
}

export function writeResults(dir, data) {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date()
    .toISOString()
    .replace(/[:]/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const file = `${dir}/${stamp}.json`;
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
