// The dated results of a run (bench/results/YYYY-MM-DD-HHMM.json and .md, UTC) and the "Latest results"
// section of bench/README.md, regenerated from such a file:
//   node bench/lib/results.mjs [bench/results/<date>.json]   (default: the newest results file)
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { verdict } from './report.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS_DIR = `${ROOT}bench/results`;
const README = `${ROOT}bench/README.md`;
const BEGIN = '<!-- latest-results:begin (written by node bench/lib/results.mjs) -->';
const END = '<!-- latest-results:end -->';

const fmt = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));

/** Writes `<stamp>.json` and `<stamp>.md`; a second run in the same minute gets a `-2` suffix. */
export function writeResults(results) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = results.date.slice(0, 16).replace('T', '-').replace(':', '');
  let base = `${RESULTS_DIR}/${stamp}`;
  for (let n = 2; existsSync(`${base}.json`); n++) base = `${RESULTS_DIR}/${stamp}-${n}`;
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, `# Benchmark ${results.date}\n\n${renderMarkdown(results)}`);
  return { json: `${base}.json`, md: `${base}.md` };
}

const table = (head, rows, numeric = true) =>
  [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i && numeric ? '---:' : '---')).join('|')}|`]
    .concat(rows.map((r) => `| ${r.join(' | ')} |`))
    .join('\n');

export function renderMarkdown(r) {
  const m = r.machine;
  const s = r.settings;
  const out = [
    `Run ${r.date} on ${m.cpus} CPU(s) (${m.model}), Node ${m.node}; load average (1/5/15 min) ` +
      `${m.loadavgBefore.map((x) => x.toFixed(2)).join(' / ')} before, ` +
      `${m.loadavgAfter.map((x) => x.toFixed(2)).join(' / ')} after.`,
    `Settings: ${s.short ? 'short mode (BENCH_SHORT=1), ' : ''}${s.connections} connections × ` +
      `${s.durationSeconds} s after ${s.warmupSeconds} s warm-up, ${s.rounds} round(s); ` +
      `${s.latencySamples} unloaded samples per scenario; ${s.sessions} sessions; BFF LOG_LEVEL=${s.logLevel}; ` +
      (m.pinned
        ? 'each proxy alone on CPU 1, load generator, upstream and Redis on CPU 0.'
        : 'no CPU pinning (processes float).'),
    '',
    '**Targets**',
    '',
    table(
      ['', 'target', 'measured', 'result'],
      r.targets.map((c) => [c.what, c.target, c.measured, verdict(c.pass)]),
      false,
    ),
  ];
  if (r.summary && Object.keys(r.summary).length)
    out.push(
      '',
      '**Under load** (medians over the rounds)',
      '',
      table(
        [
          '',
          'req/s',
          'p50 ms',
          'p99 ms',
          'server CPU µs/req',
          'redis CPU µs/req',
          'RSS MiB',
          'non-2xx/errors',
        ],
        Object.entries(r.summary).map(([name, x]) => [
          name,
          fmt(x.rps),
          fmt(x.p50, 1),
          fmt(x.p99, 1),
          fmt(x.cpuServer),
          fmt(x.cpuRedis),
          fmt(x.rssMiB, 1),
          String(x.failures),
        ]),
      ),
    );
  if (r.latency)
    out.push(
      '',
      '**Unloaded** (1 connection, one request at a time, ms)',
      '',
      table(
        ['', 'p50', 'p99', 'p50 added over direct', 'p99 added over direct'],
        Object.entries(r.latency).map(([name, x]) => [
          name,
          fmt(x.p50, 3),
          fmt(x.p99, 3),
          fmt(x.addedP50, 3),
          fmt(x.addedP99, 3),
        ]),
      ),
    );
  if (r.memory)
    out.push(
      '',
      `Memory (after a full GC): RSS ${r.memory.rssMiBAt10} → ${r.memory.rssMiBAtMany} MiB, heap used ` +
        `${r.memory.heapUsedMiBAt10} → ${r.memory.heapUsedMiBAtMany} MiB from 10 to ${r.memory.sessions} sessions; ` +
        `${r.memory.sessions} sessions written in ${fmt(r.memory.createSeconds, 1)} s; ${r.memory.reads} reads ` +
        `spread over 10 sessions, then over ${r.memory.distinctSessionsRead} distinct sessions ` +
        `(${fmt(r.memory.readSeconds, 1)} s).`,
    );
  return `${out.join('\n')}\n`;
}

function newestResults() {
  const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')) : [];
  if (!files.length) throw new Error(`No results file in ${RESULTS_DIR}: run npm run bench first`);
  return `${RESULTS_DIR}/${files.sort().at(-1)}`;
}

/**
 * Replaces the section between the markers of bench/README.md with the tables of `file`, formatted the
 * way the rest of the tree is (prettier).
 */
export async function updateReadme(file = newestResults()) {
  const results = JSON.parse(readFileSync(file, 'utf8'));
  const readme = readFileSync(README, 'utf8');
  const [from, to] = [readme.indexOf(BEGIN), readme.indexOf(END)];
  if (from < 0 || to < from) throw new Error(`${README}: the latest-results markers are missing`);
  const name = file.slice(file.lastIndexOf('/') + 1);
  const body = `${BEGIN}\n\nFrom \`bench/results/${name}\`.\n\n${renderMarkdown(results)}\n`;
  const prettier = await import('prettier');
  const options = { ...(await prettier.resolveConfig(README)), parser: 'markdown' };
  writeFileSync(README, await prettier.format(readme.slice(0, from) + body + readme.slice(to), options));
  return README;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`updated ${await updateReadme(process.argv[2])}`);
}
