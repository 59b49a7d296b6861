#!/usr/bin/env node
// `npm run bench`: the proxy's hot path against a direct call, a hand-written floor and the usual Express
// stack (DESIGN §11), in one run on this machine. See bench/README.md for what is measured and how to read it.
//
// Settings (environment): BENCH_CONNECTIONS (20), BENCH_DURATION seconds per round (6), BENCH_WARMUP
// seconds before each round (2), BENCH_ROUNDS (3: the scenarios take turns, medians are reported),
// BENCH_ONLY (comma list of direct,floor,bff,eoc), BENCH_LOG_LEVEL (the BFF's LOG_LEVEL, warn),
// BENCH_BFF_NODE_ARGS (extra node flags for the BFF, e.g. --max-semi-space-size=32), BENCH_PROFILE=1 or
// a comma list of floor,bff,eoc (V8 CPU profiles of those servers, 1 = bff, cut to the measured windows).
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/* global fetch */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
process.chdir(ROOT);

const { freePort, installCleanup, onPath, sleep, stopAll, stopChild } =
  await import('../bench/lib/processes.mjs');
const settings = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 20),
  durationSeconds: Number(process.env.BENCH_DURATION ?? 6),
  warmupSeconds: Number(process.env.BENCH_WARMUP ?? 2),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  only: (process.env.BENCH_ONLY ?? 'direct,floor,bff,eoc').split(',').map((s) => s.trim()),
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
  bffNodeArgs: (process.env.BENCH_BFF_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  profile:
    process.env.BENCH_PROFILE === '1'
      ? ['bff']
      : (process.env.BENCH_PROFILE ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
};

const PROFILES = 'bench/results/profiles';
const say = (line) => process.stdout.write(`[bench] ${line}\n`);

function fail(message) {
  console.error(`[bench] ${message}`);
  process.exit(2);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.(ts|yaml)$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const outputs = ['dist/main.js', 'dist/tenant/main.js'];
  const built = outputs.every(existsSync) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  if (built > Math.max(newestMtime('src'), newestMtime('tenant'))) return;
  say('building (npm run build) ...');
  const run = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (run.status !== 0) fail('The build failed (see above); nothing was measured.');
}

function checkPrerequisites() {
  if (process.platform !== 'linux')
    fail('The CPU figures read /proc/<pid>/stat: run the benchmarks on Linux.');
  if (!onPath('redis-server'))
    fail(
      'redis-server is not on PATH: every scenario gets its own private one. Install it (Debian/Ubuntu: apt-get install -y redis-server).',
    );
  const unknown = settings.only.filter((s) => !['direct', 'floor', 'bff', 'eoc'].includes(s));
  if (unknown.length) fail(`BENCH_ONLY: unknown scenario(s) ${unknown.join(', ')} (direct, floor, bff, eoc)`);
}

async function checkModules() {
  for (const name of [
    'autocannon',
    'express-openid-connect',
    'connect-redis',
    'http-proxy-middleware',
    'ioredis',
  ]) {
    try {
      await import(name);
    } catch {
      fail(`${name} is missing: run npm ci (it is a devDependency of the benchmarks).`);
    }
  }
}

/** One request through the target: 200 and exactly the upstream's body, or the run stops here. */
async function verify(target, expected) {
  const res = await fetch(target.url, { headers: target.headers });
  const body = await res.text();
  if (
    res.status !== 200 ||
    body !== expected ||
    !/^application\/json/.test(res.headers.get('content-type') ?? '')
  )
    throw new Error(
      `${target.name}: GET ${target.url} answered ${res.status} (${body.slice(0, 300)}), not the upstream's 200 JSON body`,
    );
}

async function main() {
  installCleanup();
  checkPrerequisites();
  await checkModules();
  buildIfNeeded();
  const { measure, load, redisCommandCounts, commandsPerRequest } = await import('../bench/lib/measure.mjs');
  const scenarios = await import('../bench/lib/scenarios.mjs');
  const report = await import('../bench/lib/report.mjs');

  say(`${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
  const upstream = await scenarios.startUpstream();
  const reference = scenarios.direct(upstream);
  const expected = await (await fetch(reference.url, { headers: reference.headers })).text();
  if (Buffer.byteLength(expected) !== upstream.bytes)
    throw new Error('The fake upstream does not answer its body');
  const [bffPort, eocPort] = [await freePort(), await freePort()];
  const needsTenant = settings.only.some((s) => s === 'bff' || s === 'eoc');
  const tenant = needsTenant
    ? await scenarios.startTenant([`http://localhost:${bffPort}`, `http://localhost:${eocPort}`])
    : undefined;

  const targets = [];
  for (const name of settings.only) {
    say(`starting ${name} ...`);
    if (name === 'direct') targets.push(scenarios.direct(upstream));
    const nodeArgs = [
      ...(name === 'bff' ? settings.bffNodeArgs : []),
      ...(settings.profile.includes(name) ? ['--cpu-prof', '--cpu-prof-dir', `${PROFILES}/${name}`] : []),
    ];
    if (name === 'floor') targets.push(await scenarios.floor(upstream, { nodeArgs }));
    if (name === 'bff')
      targets.push(await scenarios.bff(upstream, tenant, bffPort, { logLevel: settings.logLevel, nodeArgs }));
    if (name === 'eoc') targets.push(await scenarios.eoc(upstream, tenant, eocPort, { nodeArgs }));
    await verify(targets.at(-1), expected);
  }
  if (tenant) {
    await stopChild(tenant.child);
    await stopChild(tenant.redis.child);
  }

  const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of targets) {
      await load({ ...target, connections: settings.connections, durationSeconds: settings.warmupSeconds });
      await sleep(200);
      const servedBefore = (await upstream.stats()).served;
      const logBefore = target.outputBytes?.();
      const redisBefore = target.redisUrl ? await redisCommandCounts(target.redisUrl) : undefined;
      const result = await measure(target, target.pids, settings);
      if (redisBefore)
        result.redisCommandsPerRequest = commandsPerRequest(
          redisBefore,
          await redisCommandCounts(target.redisUrl),
          result.ok,
        );
      result.upstreamServed = (await upstream.stats()).served - servedBefore;
      if (target.outputBytes)
        result.logBytesPerRequest = (target.outputBytes() - logBefore) / Math.max(1, result.requests);
      if (result.upstreamServed < result.ok)
        throw new Error(
          `${target.name}: ${result.ok} answers but the upstream served ${result.upstreamServed}`,
        );
      runs[target.name].push(result);
      say(
        `round ${round} ${target.name.padEnd(6)} ${result.rps.toFixed(0)} req/s, ${result.cpuMicrosPerRequest.server.toFixed(0)} µs CPU/req, p99 ${result.latencyMs.p99} ms, RSS ${result.rssMiB.server} MiB`,
      );
    }
  }

  const summary = report.summarise(runs);
  const r = report.ratios(summary);
  report.printTable(
    summary,
    r,
    `GET /api/me/v1/authentication-methods, ${settings.connections} connections × ${settings.durationSeconds} s after ${settings.warmupSeconds} s warm-up, ${settings.rounds} round(s), loopback`,
  );
  const file = report.writeResults('bench/results', {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings,
    scenarios: Object.fromEntries(targets.map((t) => [t.name, t.describe])),
    summary,
    ratios: r,
    targets: report.TARGETS,
    runs,
  });
  say(`raw results: ${file}`);

  const { summariseLatestProfile } = await import('../bench/lib/profile.mjs');
  for (const target of targets.filter((t) => settings.profile.includes(t.name))) {
    // The profile is written when the process exits cleanly.
    await stopChild(target.procs[0].child, 15_000);
    const windows = runs[target.name].map((r) => r.windowMicros);
    const requests = runs[target.name].reduce((n, r) => n + r.ok, 0);
    summariseLatestProfile(`${PROFILES}/${target.name}`, { windows, requests });
  }
}

main()
  .then(() => stopAll())
  .then(() => process.exit(0))
  .catch(async (err) => {
    console.error(`[bench] failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll();
    process.exit(1);
  });
