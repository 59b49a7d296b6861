// Summary of the BFF's V8 CPU profile (`node --cpu-prof`): self time by package or source folder, and the
// hottest functions, as shares of the busy (non-idle) time. Open the .cpuprofile file in Chrome DevTools
// for the call tree.
import { readFileSync, readdirSync, statSync } from 'node:fs';

function owner(url) {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:internal/')) return `node:internal/${url.slice(14).split('/')[0]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(.+)\/[^/]+\.js$/.exec(url);
  return own ? `dist/${own[1]}` : url.replace(/^file:\/\//, '');
}

/** Self time per node id; only samples inside `windows` ([from, to] µs, the profile's clock) when given. */
function selfTimes(profile, windows) {
  const self = new Map();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (windows && !windows.some(([from, to]) => at >= from && at <= to)) continue;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + delta);
  }
  return self;
}

function top(map, n) {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/**
 * Inclusive time: each sample counted once for every package/folder (and every own function) on its
 * stack, so "pino-http 12 %" means 12 % of the busy time was spent inside pino-http or below it.
 */
function inclusiveTimes(profile, self) {
  const parent = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owners = new Map();
  const ownFunctions = new Map();
  const charged = new Map();
  for (const [id, us] of self) {
    if (byId.get(id).callFrame.functionName === '(idle)') continue;
    const payer = chargedOwner(byId, parent, id);
    charged.set(payer, (charged.get(payer) ?? 0) + us);
    const seenOwners = new Set();
    const seenFns = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at).callFrame;
      if (!url) continue;
      seenOwners.add(owner(url));
      if (url.includes('/dist/') && !url.includes('/node_modules/'))
        seenFns.add(
          `${functionName || '(anonymous)'} ${url.replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}`,
        );
    }
    for (const k of seenOwners) owners.set(k, (owners.get(k) ?? 0) + us);
    for (const k of seenFns) ownFunctions.set(k, (ownFunctions.get(k) ?? 0) + us);
  }
  return { owners, ownFunctions, charged };
}

/** The nearest frame on the stack outside Node's own code; GC and V8's own entries stay as they are. */
function chargedOwner(byId, parent, id) {
  const first = byId.get(id).callFrame;
  if (!first.url && first.functionName.startsWith('(') && first.functionName !== '(anonymous)')
    return first.functionName;
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const { url } = byId.get(at).callFrame;
    if (url && !url.startsWith('node:')) return owner(url);
  }
  return '(node without a caller: socket and timer callbacks)';
}

export function summariseProfile(file, { windows, requests, n = 20 } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const self = selfTimes(profile, windows);
  const byOwner = new Map();
  const byFunction = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || us === 0) continue;
    busy += us;
    const own = functionName.startsWith('(') ? functionName : owner(url);
    byOwner.set(own, (byOwner.get(own) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const perRequest = (us) => (requests ? `${(us / requests).toFixed(1).padStart(6)} µs/req` : '');
  const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)} % ${perRequest(us)}`;
  const scope = windows
    ? `measured windows only${requests ? `, ${(busy / requests).toFixed(0)} µs sampled per request` : ''}`
    : 'whole process';
  console.log(`\nCPU profile ${file} (busy ${(busy / 1e6).toFixed(2)} s, ${scope})`);
  console.log('Self time by package / folder:');
  for (const [k, us] of top(byOwner, n)) console.log(`  ${pct(us)}  ${k}`);
  console.log('Hottest functions (self time):');
  for (const [k, us] of top(byFunction, n)) console.log(`  ${pct(us)}  ${k}`);
  const inclusive = inclusiveTimes(profile, self);
  console.log('Inclusive time by package / folder (the package and everything it called):');
  for (const [k, us] of top(inclusive.owners, n)) console.log(`  ${pct(us)}  ${k}`);
  console.log(
    'Self time charged to the nearest package/folder (Node internals and native code to their caller):',
  );
  for (const [k, us] of top(inclusive.charged, n)) console.log(`  ${pct(us)}  ${k}`);
  console.log("Inclusive time of the BFF's own functions:");
  for (const [k, us] of top(inclusive.ownFunctions, n)) console.log(`  ${pct(us)}  ${k}`);
}

export function summariseLatestProfile(dir, options) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) {
    console.log(`No .cpuprofile in ${dir} (the BFF did not exit cleanly?)`);
    return;
  }
  const latest = files.map((f) => `${dir}/${f}`).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  summariseProfile(latest, options);
}

// node bench/lib/profile.mjs <file.cpuprofile> [<results.json> <scenario>]: the same summary again, cut to
// that scenario's measured windows when a results file is given.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()) && process.argv[2]) {
  const [, , file, results, scenario = 'bff'] = process.argv;
  const runs = results ? JSON.parse(readFileSync(results, 'utf8')).runs[scenario] : undefined;
  summariseProfile(
    file,
    runs ? { windows: runs.map((r) => r.windowMicros), requests: runs.reduce((n, r) => n + r.ok, 0) } : {},
  );
}
