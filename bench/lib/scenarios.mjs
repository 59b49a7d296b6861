// The four ways to answer GET /api/me/v1/authentication-methods, each started with its own redis-server
// and signed in before it is measured. Every `start*` returns { name, url, headers, pids, describe }.
import { fileURLToPath } from 'node:url';
import { login } from './login.mjs';
import { freePort, httpOk, startChild, startRedis } from './processes.mjs';

/* global fetch */

const server = (file) => fileURLToPath(new URL(`../servers/${file}`, import.meta.url));
const READY = /"ready":true/;
export const PATH = '/api/me/v1/authentication-methods';
const DEMO = { username: 'demo@example.com', password: 'Demo-password-1' };

const announced = (proc) => JSON.parse(proc.lines.find((l) => READY.test(l)));

export async function startUpstream() {
  const proc = await startChild('upstream', process.execPath, [server('upstream.mjs')], { ready: READY });
  const { port, bytes } = announced(proc);
  const url = `http://127.0.0.1:${port}`;
  return {
    ...proc,
    url,
    base: `${url}/me/v1`,
    bytes,
    stats: async () => (await fetch(`${url}/__stats`)).json(),
  };
}

/** The tenant (for the logins only) on its own Redis, knowing the BFF's and the Express app's origins. */
export async function startTenant(origins) {
  const redis = await startRedis('tenant-redis');
  const port = await freePort();
  const proc = await startChild('tenant', process.execPath, [server('tenant.mjs')], {
    env: {
      TENANT_PORT: String(port),
      REDIS_URL: redis.url,
      BENCH_ORIGINS: origins.join(','),
      NODE_NO_WARNINGS: '1',
    },
    ready: READY,
  });
  return { ...proc, issuer: announced(proc).issuer, redis };
}

export function direct(upstream) {
  return {
    name: 'direct',
    describe: 'client → fake upstream (ceiling)',
    url: `${upstream.base}/authentication-methods`,
    headers: { authorization: `Bearer ${'x'.repeat(40)}`, accept: 'application/json' },
    pids: { server: upstream.pid },
  };
}

export async function floor(upstream, { nodeArgs = [] } = {}) {
  const redis = await startRedis('floor-redis');
  const proc = await startChild('floor', process.execPath, [...nodeArgs, server('floor.mjs')], {
    env: { UPSTREAM_URL: upstream.base, REDIS_URL: redis.url },
    ready: READY,
  });
  const { port, cookie } = announced(proc);
  return {
    name: 'floor',
    describe: 'hand-written node:http proxy (cookie HMAC, Redis GET, AES-GCM, keep-alive forward)',
    url: `http://127.0.0.1:${port}${PATH}`,
    headers: { cookie, 'x-csrf': '1', accept: 'application/json' },
    pids: { server: proc.pid, redis: redis.pid },
    procs: [proc, redis],
    redisUrl: redis.url,
  };
}

/** The BFF's environment: NODE_ENV=test config, the tenant as issuer, the fake upstream, its own Redis. */
export function bffEnv(upstream, tenant, port, redis, logLevel) {
  return {
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_ORIGIN: `http://localhost:${port}`,
    OIDC_ISSUER: tenant.issuer,
    REDIS_URL: redis.url,
    MY_ACCOUNT_BASE_URL: upstream.base,
    LOG_LEVEL: logLevel,
  };
}

/**
 * Spawns the built BFF (`node dist/main.js`) and resolves once `/readyz` answers 200 (Redis answering,
 * discovery done), with the milliseconds from spawn to that answer (polled every `pollMs`).
 */
export async function startBffProcess(env, { nodeArgs = [], pollMs = 50, name = 'bff' } = {}) {
  const readyz = `${env.PUBLIC_ORIGIN}/readyz`;
  const spawned = process.hrtime.bigint();
  const proc = await startChild(name, process.execPath, [...nodeArgs, 'dist/main.js'], {
    env,
    ready: () => httpOk(readyz),
    pollMs,
  });
  return { ...proc, readyMs: Number(process.hrtime.bigint() - spawned) / 1e6 };
}

export const loginBff = (origin) =>
  login({ appUrl: origin, loginPath: '/auth/login', sessionCookie: '__Host-bff', credentials: DEMO });

/** The built BFF (`node dist/main.js`), NODE_ENV=test config, LOG_LEVEL (default warn). */
export async function bff(upstream, tenant, port, { logLevel, nodeArgs = [] }) {
  const redis = await startRedis('bff-redis');
  const env = bffEnv(upstream, tenant, port, redis, logLevel);
  const proc = await startBffProcess(env, { nodeArgs });
  const cookie = await loginBff(env.PUBLIC_ORIGIN);
  return {
    name: 'bff',
    describe: `myaccount-bff (dist/main.js, NODE_ENV=test, LOG_LEVEL=${logLevel})`,
    url: `${env.PUBLIC_ORIGIN}${PATH}`,
    headers: { cookie, 'x-csrf': '1', accept: 'application/json' },
    pids: { server: proc.pid, redis: redis.pid },
    procs: [proc, redis],
    redisUrl: redis.url,
    outputBytes: proc.outputBytes,
  };
}

/** express-openid-connect + connect-redis 8 (ioredis) + http-proxy-middleware. */
export async function eoc(upstream, tenant, port, { nodeArgs = [] } = {}) {
  const redis = await startRedis('eoc-redis');
  const origin = `http://localhost:${port}`;
  const proc = await startChild('eoc', process.execPath, [...nodeArgs, server('eoc.mjs')], {
    env: { PORT: String(port), ISSUER: tenant.issuer, REDIS_URL: redis.url, UPSTREAM_URL: upstream.base },
    ready: READY,
  });
  const cookie = await login({
    appUrl: origin,
    loginPath: '/login',
    sessionCookie: 'appSession',
    credentials: DEMO,
  });
  return {
    name: 'eoc',
    describe: 'express-openid-connect + connect-redis 8 (ioredis) + http-proxy-middleware',
    url: `${origin}${PATH}`,
    headers: { cookie, 'x-csrf': '1', accept: 'application/json' },
    pids: { server: proc.pid, redis: redis.pid },
    procs: [proc, redis],
    redisUrl: redis.url,
  };
}
