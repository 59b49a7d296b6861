// Summary of the BFF's V8 CPU profile (`node --cpu-prof`): self time by package or source folder, and the
// hottest functions, as shares of the busy (non-idle) time. Open the .cpuprofile file in Chrome DevTools
// for the call tree.
import { readFileSync, readdirSync, statSync } from 'node:fs';

function owner(url) {
  if (!url) return '(native/V8)';
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
  const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const scope = windows ? `measured windows only${requests ? `, ${((busy / requests)).toFixed(0)} µs sampled per request` : ''}` : 'whole process';
  console.log(`\nCPU profile ${file} (busy ${(busy / 1e6).toFixed(2)} s, ${scope})`);
  console.log('Self time by package / folder:');
  for (const [k, us] of top(byOwner, n)) console.log(`  ${pct(us)}  ${k}`);
  console.log('Hottest functions (self time):');
  for (const [k, us] of top(byFunction, n)) console.log(`  ${pct(us)}  ${k}`);
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

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()) && process.argv[2]) summariseProfile(process.argv[2]);
