// The floor: the least a cookie-to-token proxy can do, by hand on node:http. Per request: parse the
// cookie and check its HMAC signature, require `X-CSRF: 1`, one Redis GET of the session's token record,
// AES-256-GCM decrypt (session id as additional data), forward over a keep-alive http.Agent with the
// access token, copy status, content-type and body. No framework, no logging, no metrics.
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { Redis } from 'ioredis';
import { announce } from './parent-watch.mjs';

const COOKIE = '__Host-floor';
const SECRET = randomBytes(32);
const KEY_ID = 'k1';
const KEY = randomBytes(32);
const upstream = new URL(process.env.UPSTREAM_URL);
const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const sign = (sid) => createHmac('sha256', SECRET).update(sid).digest('base64url');
const tokenKey = (sid) => `floor:{${sid}}:tokens`;

function encrypt(sid, record) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', KEY, iv).setAAD(Buffer.from(sid));
  const data = Buffer.concat([cipher.update(JSON.stringify(record)), cipher.final()]);
  return `${KEY_ID}.${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url')}`;
}

function decrypt(sid, stored) {
  const [kid, packed] = stored.split('.');
  if (kid !== KEY_ID) throw new Error('unknown key');
  const raw = Buffer.from(packed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', KEY, raw.subarray(0, 12)).setAAD(Buffer.from(sid));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
}

function sessionId(cookieHeader = '') {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq).trim() !== COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    const dot = value.lastIndexOf('.');
    const sid = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(sign(sid));
    return given.length === expected.length && timingSafeEqual(given, expected) ? sid : undefined;
  }
  return undefined;
}

function problem(res, status, code) {
  res.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ status, code }));
}

async function handle(req, res) {
  if (!req.url.startsWith('/api/me/v1/')) return problem(res, 404, 'not_found');
  if (req.headers['x-csrf'] !== '1') return problem(res, 403, 'csrf_failed');
  const sid = sessionId(req.headers.cookie);
  if (!sid) return problem(res, 401, 'login_required');
  const stored = await redis.get(tokenKey(sid));
  if (!stored) return problem(res, 401, 'login_required');
  const tokens = decrypt(sid, stored);
  if (tokens.expires_at <= Date.now() / 1000) return problem(res, 401, 'login_required');
  const headers = {
    accept: req.headers.accept ?? 'application/json',
    authorization: `Bearer ${tokens.access_token}`,
  };
  const path = `${upstream.pathname.replace(/\/$/, '')}${req.url.slice('/api/me/v1'.length)}`;
  const up = request(
    { host: upstream.hostname, port: upstream.port, path, method: 'GET', headers, agent },
    (upRes) => {
      const chunks = [];
      upRes.on('data', (c) => chunks.push(c));
      upRes.on('end', () => {
        res.writeHead(upRes.statusCode, {
          'content-type': upRes.headers['content-type'],
          'cache-control': 'no-store',
        });
        res.end(Buffer.concat(chunks));
      });
    },
  );
  up.on('error', () => problem(res, 502, 'upstream_unavailable'));
  up.end();
}

const server = createServer((req, res) =>
  handle(req, res).catch(() => problem(res, 503, 'session_store_unavailable')),
);
server.keepAliveTimeout = 60_000;

// One signed-in session, with a token record the size of a real one (access, refresh and ID token).
const jwtLike = (bytes) =>
  `eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.${randomBytes(bytes).toString('base64url')}.${randomBytes(256).toString('base64url')}`;
const sid = randomBytes(24).toString('base64url');
const record = {
  v: 1,
  access_token: jwtLike(450),
  refresh_token: randomBytes(32).toString('base64url'),
  id_token: jwtLike(500),
  expires_at: Math.floor(Date.now() / 1000) + 3600,
  scope: 'openid read:me:authentication_methods',
};
await new Promise((resolve) => redis.once('ready', resolve));
await redis.set(tokenKey(sid), encrypt(sid, record), 'EX', 3600);
server.listen(0, '127.0.0.1', () =>
  announce({ port: server.address().port, cookie: `${COOKIE}=${sid}.${sign(sid)}` }),
);
