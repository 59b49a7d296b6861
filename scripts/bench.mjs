#!/usr/bin/env node
// `npm run bench`: the proxy's hot path against a direct call, a hand-written floor and the usual Express
// stack, in one run on this machine, each target printed beside the measured figure. See bench/README.md
// for what is measured and how to read it.
//
// Settings (environment): BENCH_SHORT=1 (a quick check: 1 round of 2 s, fewer samples and sessions),
// BENCH_CONNECTIONS (20), BENCH_DURATION seconds per round (6), BENCH_WARMUP seconds before each round
// (2), BENCH_ROUNDS (3: the scenarios take turns, medians are reported), BENCH_ONLY (comma list of
// direct,floor,bff,eoc), BENCH_SKIP (comma list of load,latency,ready,memory), BENCH_LATENCY_SAMPLES
// (2000 unloaded requests per scenario), BENCH_SESSIONS (100000), BENCH_SESSION_READS (as many as
// sessions), BENCH_READY_SAMPLES (3 BFF starts), BENCH_LOG_LEVEL (the BFF's LOG_LEVEL, warn),
// BENCH_BFF_NODE_ARGS (extra node flags for the BFF, e.g. --max-semi-space-size=32), BENCH_PROFILE=1 or
// a comma list of floor,bff,eoc (V8 CPU profiles of those servers, 1 = bff, cut to the measured windows),
// BENCH_README=1 (write this run's tables into bench/README.md), BENCH_PIN=0 (no CPU pinning; by default
// each proxy under test runs alone on CPU 1, everything else on CPU 0).
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

/* global fetch */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
process.chdir(ROOT);

const { freePort, installCleanup, onPath, pinToCpu, sleep, stopAll, stopChild } =
  await import('../bench/lib/processes.mjs');
const short = process.env.BENCH_SHORT === '1';
const num = (name, full, quick) => Number(process.env[name] ?? (short ? quick : full));
const list = (name, fallback) =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const settings = {
  short,
  connections: num('BENCH_CONNECTIONS', 20, 20),
  durationSeconds: num('BENCH_DURATION', 6, 2),
  warmupSeconds: num('BENCH_WARMUP', 2, 1),
  rounds: num('BENCH_ROUNDS', 3, 1),
  latencySamples: num('BENCH_LATENCY_SAMPLES', 2000, 300),
  sessions: num('BENCH_SESSIONS', 100_000, 5000),
  readySamples: num('BENCH_READY_SAMPLES', 3, 1),
  only: list('BENCH_ONLY', 'direct,floor,bff,eoc'),
  skip: list('BENCH_SKIP', ''),
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
  bffNodeArgs: (process.env.BENCH_BFF_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  profile: process.env.BENCH_PROFILE === '1' ? ['bff'] : list('BENCH_PROFILE', ''),
  readme: process.env.BENCH_README === '1',
  pin: process.env.BENCH_PIN !== '0',
};
settings.sessionReads = Number(process.env.BENCH_SESSION_READS ?? settings.sessions);
const runs = (phase) => !settings.skip.includes(phase);

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
  const phases = ['load', 'latency', 'ready', 'memory'];
  const unknownPhases = settings.skip.filter((s) => !phases.includes(s));
  if (unknownPhases.length)
    fail(`BENCH_SKIP: unknown phase(s) ${unknownPhases.join(', ')} (${phases.join(', ')})`);
  if (settings.sessions < 10) fail('BENCH_SESSIONS: at least 10');
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

/** Spawns the BFF `samples` times, each time from nothing to /readyz 200 (discovery done); median ms. */
async function measureStartToReady(scenarios, env, samples) {
  const samplesMs = [];
  for (let i = 0; i < samples; i++) {
    const proc = await scenarios.startBffProcess(env, { pollMs: 5, name: 'bff-ready' });
    samplesMs.push(proc.readyMs);
    await stopChild(proc.child);
  }
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { samplesMs, medianMs: sorted[Math.floor((sorted.length - 1) / 2)] };
}

/**
 * The load generator (this process), the fake upstream and every Redis on CPU 0; each proxy under test alone
 * on CPU 1 (`direct` is the upstream itself and stays on CPU 0). Without it the scheduler moves four busy
 * processes over two cores as it likes, and a server's CPU per request moves by a third between two runs.
 */
function pinProcesses(targets, upstream) {
  if (cpus().length < 2 || !onPath('taskset')) return false;
  let ok = pinToCpu(process.pid, 0) && pinToCpu(upstream.pid, 0);
  for (const target of targets) {
    if (target.name === 'direct') continue;
    if (target.pids.redis) ok &&= pinToCpu(target.pids.redis, 0);
    ok &&= pinToCpu(target.pids.server, 1);
  }
  return ok;
}

async function main() {
  installCleanup();
  checkPrerequisites();
  await checkModules();
  buildIfNeeded();
  const { measure, load, redisCommandCounts, commandsPerRequest } = await import('../bench/lib/measure.mjs');
  const scenarios = await import('../bench/lib/scenarios.mjs');
  const report = await import('../bench/lib/report.mjs');
  const { unloadedLatency } = await import('../bench/lib/latency.mjs');
  const { rssBySessions } = await import('../bench/lib/memory.mjs');
  const { openSessionSeeder } = await import('../bench/lib/sessions.mjs');
  const { openInspector } = await import('../bench/lib/inspector.mjs');
  const { startRedis } = await import('../bench/lib/processes.mjs');
  const results = await import('../bench/lib/results.mjs');

  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadavgBefore: loadavg(),
  };
  say(
    `${machine.cpus} CPU(s) (${machine.model}), node ${machine.node}, load average ${machine.loadavgBefore.map((x) => x.toFixed(2)).join(' ')}${settings.short ? ', short mode' : ''}`,
  );
  const upstream = await scenarios.startUpstream();
  const reference = scenarios.direct(upstream);
  const expected = await (await fetch(reference.url, { headers: reference.headers })).text();
  if (Buffer.byteLength(expected) !== upstream.bytes)
    throw new Error('The fake upstream does not answer its body');
  const [bffPort, eocPort, soloPort] = [await freePort(), await freePort(), await freePort()];
  const withBff = settings.only.includes('bff');
  const needsTenant = settings.only.some((s) => s === 'bff' || s === 'eoc');
  const tenant = needsTenant
    ? await scenarios.startTenant([bffPort, eocPort, soloPort].map((p) => `http://localhost:${p}`))
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

  // A BFF of its own for start-to-ready and memory, so the sessions written there stay out of the load.
  let ready;
  let solo;
  if (withBff && (runs('ready') || runs('memory'))) {
    const soloRedis = await startRedis('bff-solo-redis');
    const env = scenarios.bffEnv(upstream, tenant, soloPort, soloRedis, settings.logLevel);
    if (runs('ready')) {
      ready = await measureStartToReady(scenarios, env, settings.readySamples);
      say(`start to ready: ${ready.samplesMs.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);
    }
    if (runs('memory')) {
      const inspectPort = await freePort();
      const proc = await scenarios.startBffProcess(env, {
        name: 'bff-solo',
        nodeArgs: [...settings.bffNodeArgs, `--inspect=127.0.0.1:${inspectPort}`],
      });
      const cookie = await scenarios.loginBff(env.PUBLIC_ORIGIN);
      const url = `${env.PUBLIC_ORIGIN}${scenarios.PATH}`;
      await verify({ name: 'bff-solo', url, headers: { cookie, 'x-csrf': '1' } }, expected);
      solo = {
        proc,
        cookie,
        url,
        seeder: await openSessionSeeder(env, cookie),
        inspector: await openInspector(inspectPort),
      };
      const [copy] = await solo.seeder.create(1);
      await verify(
        { name: 'bff-solo (a written session)', url, headers: { cookie: copy, 'x-csrf': '1' } },
        expected,
      );
    }
  }
  if (tenant) {
    await stopChild(tenant.child);
    await stopChild(tenant.redis.child);
  }

  machine.pinned = settings.pin && pinProcesses(targets, upstream);
  if (settings.pin && !machine.pinned) say('CPU pinning not available (taskset, 2 CPUs): processes float');

  const rounds = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 1; runs('load') && round <= settings.rounds; round++) {
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
      rounds[target.name].push(result);
      say(
        `round ${round} ${target.name.padEnd(6)} ${result.rps.toFixed(0)} req/s, ${result.cpuMicrosPerRequest.server.toFixed(0)} µs CPU/req, p99 ${result.latencyMs.p99} ms, RSS ${result.rssMiB.server} MiB`,
      );
    }
  }
  const summary = runs('load') ? report.summarise(rounds) : {};
  const ratios = report.ratios(summary);
  if (runs('load'))
    report.printTable(
      summary,
      ratios,
      `GET /api/me/v1/authentication-methods, ${settings.connections} connections × ${settings.durationSeconds} s after ${settings.warmupSeconds} s warm-up, ${settings.rounds} round(s), loopback`,
    );

  let latency;
  if (runs('latency')) {
    say(`unloaded latency: ${settings.latencySamples} requests per scenario, one at a time ...`);
    latency = await unloadedLatency(targets, {
      samples: settings.latencySamples,
      warmup: Math.min(200, settings.latencySamples),
    });
    report.printLatency(latency);
  }

  let memory;
  if (solo) {
    say(`memory: reads over 10 sessions, then over ${settings.sessions} ...`);
    memory = await rssBySessions({
      url: solo.url,
      inspector: solo.inspector,
      seeder: solo.seeder,
      sessions: settings.sessions,
      reads: settings.sessionReads,
      connections: 10,
      say,
    });
    await solo.seeder.close();
    solo.inspector.close();
  }

  machine.loadavgAfter = loadavg();
  const data = {
    date: new Date().toISOString(),
    machine,
    settings,
    scenarios: Object.fromEntries(targets.map((t) => [t.name, t.describe])),
    summary,
    ratios,
    latency,
    memory,
    ready,
    runs: rounds,
  };
  data.targets = report.checkTargets(data);
  report.printTargets(data.targets);
  const files = results.writeResults(data);
  say(`results: ${files.json} and ${files.md}`);
  if (settings.readme) say(`updated ${await results.updateReadme(files.json)}`);

  const { summariseLatestProfile } = await import('../bench/lib/profile.mjs');
  for (const target of targets.filter((t) => settings.profile.includes(t.name))) {
    // The profile is written when the process exits cleanly.
    await stopChild(target.procs[0].child, 15_000);
    const windows = rounds[target.name].map((r) => r.windowMicros);
    const requests = rounds[target.name].reduce((n, r) => n + r.ok, 0);
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
