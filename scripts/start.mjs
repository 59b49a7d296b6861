#!/usr/bin/env node
// `npm start`: the whole development stack on one machine.
//  1. Redis at REDIS_URL (default redis://127.0.0.1:6379); when nothing answers there and redis-server is
//     installed, start one (data under .data/redis); otherwise say how to get Redis and stop.
//  2. Build (BFF, tenant, account page).
//  3. Start the local tenant (http://localhost:4000) and the BFF, behind a small front at
//     http://localhost:3000 (the BFF's public origin): /example/ goes to the server-rendered example when
//     `npm run start:example` runs it (port 3001), everything else to the BFF (127.0.0.1:3100). The compose
//     stack's reverse proxy does the same.
// Ctrl-C stops everything this script started.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';

/* global fetch, setTimeout */

const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const tenantUrl = 'http://localhost:4000';
const bffUrl = process.env.PUBLIC_ORIGIN ?? 'http://localhost:3000';
const frontPort = new URL(bffUrl).port || '80';
const bffInternalPort = process.env.BFF_INTERNAL_PORT ?? '3100';
const children = [];
let stopping = false;

function say(line) {
  process.stdout.write(`[start] ${line}\n`);
}

function redisAnswers() {
  return new Promise((resolve) => {
    const socket = createConnection({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) =>
      done(data.toString().startsWith('+PONG') || data.toString().startsWith('-NOAUTH')),
    );
  });
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

function startChild(name, command, args, env = {}) {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} stopped (${signal ?? `exit ${code}`}); stopping the rest.`);
      shutdown(code || 1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitFor(url, label, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${label} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const { child } of [...children].reverse()) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  await Promise.all(
    children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  );
  process.exit(code);
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function main() {
  if (await redisAnswers()) {
    say(`using Redis at ${redisUrl.href}`);
  } else if (onPath('redis-server')) {
    mkdirSync('.data/redis', { recursive: true });
    say(`no Redis at ${redisUrl.href}: starting redis-server (data in .data/redis)`);
    startChild('redis-server', 'redis-server', [
      '--port',
      String(redisUrl.port || 6379),
      '--bind',
      '127.0.0.1',
      '--dir',
      '.data/redis',
      '--save',
      '60 1',
    ]);
    for (let i = 0; i < 50 && !(await redisAnswers()); i++) await new Promise((r) => setTimeout(r, 100));
  } else {
    console.error(
      `No Redis answers at ${redisUrl.href} and redis-server is not installed: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running Redis.`,
    );
    process.exit(1);
  }

  say('building (BFF, tenant, account page) ...');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('The build failed (see above).');
    await shutdown(1);
  }

  const env = { NODE_ENV: process.env.NODE_ENV ?? 'development', REDIS_URL: redisUrl.href };
  startChild('tenant', 'node', ['dist/tenant/main.js'], env);
  await waitFor(`${tenantUrl}/.well-known/openid-configuration`, 'The local tenant');
  startChild('bff', 'node', ['dist/main.js'], { ...env, PORT: bffInternalPort, PUBLIC_ORIGIN: bffUrl });
  startChild('front', 'node', ['dist/example/dev-front.js'], {
    FRONT_PORT: frontPort,
    BFF_URL: `http://127.0.0.1:${bffInternalPort}`,
    EXAMPLE_URL: 'http://127.0.0.1:3001',
  });
  await waitFor(`${bffUrl}/healthz`, 'The BFF');

  say('');
  say(`Ready. Open ${bffUrl}`);
  say(
    "Sign in as demo@example.com / Demo-password-1 (TOTP secret JBSWY3DPEHPK3PXP, or use the MFA page's code)",
  );
  say('       or fresh@example.com / Fresh-password-1 (nothing enrolled yet)');
  say(`The local tenant is at ${tenantUrl}; its dev outbox (email/SMS codes) at ${tenantUrl}/__dev/outbox`);
  say(
    `The server-rendered example: run npm run start:example in another terminal, then open ${bffUrl}/example/`,
  );
  say('Ctrl-C stops everything.');
}

main().catch(async (err) => {
  console.error(err instanceof Error ? err.message : String(err));
  await shutdown(1);
});
