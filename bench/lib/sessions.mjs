// Many signed-in sessions for the memory measurement, written straight into the BFF's Redis by the BFF's
// own store code (dist/session), so the records are exactly the ones the BFF reads: one real login is the
// template, every copy gets a fresh session id, its own CSRF token and its own encrypted token record
// (the session id is bound into the ciphertext, so a record cannot simply be duplicated).
// If the session store's record format or classes change, this file is the one place to follow them.
import { createHmac, randomBytes } from 'node:crypto';

const DIST = new URL('../../dist/', import.meta.url);
const load = (path) => import(new URL(path, DIST).href);

/** express-session's cookie value: `s:<sid>.<HMAC-SHA256 of sid, base64 without padding>`, URI-encoded. */
export function signedCookieValue(sid, secret) {
  const mac = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${sid}.${mac}`);
}

function sidOf(cookieHeader) {
  const value = decodeURIComponent(cookieHeader.slice(cookieHeader.indexOf('=') + 1));
  const match = /^s:([^.]+)\./.exec(value);
  if (!match) throw new Error(`Not an express-session cookie: ${cookieHeader.slice(0, 40)}...`);
  return match[1];
}

/**
 * Opens the BFF's stores with the BFF's configuration (`env` as given to the BFF process) and returns a
 * seeder that copies the session behind `templateCookie`.
 */
export async function openSessionSeeder(env, templateCookie) {
  const { loadConfig } = await load('config/load-config.js');
  const { RedisSessionStore } = await load('session/redis-session.store.js');
  const { TokenStore } = await load('session/token.store.js');
  const { TokenCipher } = await load('session/token-cipher.js');
  const { SessionScripts } = await load('session/session-scripts.js');
  const { Redis } = await import('ioredis');

  const config = loadConfig({ env: { ...env } });
  const { session: sessionConfig } = config;
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
  // Failures reach the caller through the commands; after the run stops Redis, reconnects stay quiet.
  redis.on('error', () => undefined);
  const store = new RedisSessionStore(redis, sessionConfig);
  const tokens = new TokenStore(
    redis,
    store.keys,
    new SessionScripts(redis),
    new TokenCipher(config.tokens),
    sessionConfig.idleTimeoutSeconds * 1000,
    sessionConfig.retryAfterSeconds,
  );
  const cookieName = sessionConfig.cookieName;
  const secret = sessionConfig.secrets[0];

  const templateSid = sidOf(templateCookie);
  // The signing rule above must be the one the BFF used, or every copy would be anonymous.
  if (`${cookieName}=${signedCookieValue(templateSid, secret)}` !== templateCookie)
    throw new Error('The session cookie is not signed the way bench/lib/sessions.mjs signs it');
  const data = await store.read(templateSid);
  const record = await tokens.read(templateSid);
  if (!data || !record) throw new Error('The template session or its tokens are missing in Redis');
  const { createdAt: _created, lastSeenAt: _seen, ...template } = data;
  // The copies' access token is declared valid for a day: the tenant (stopped before the load) issues
  // 10-minute tokens, and 100k sessions sharing one refresh token must never start refreshing mid-run.
  // The fake upstream accepts any Bearer token, so only the BFF's own expiry check sees the difference.
  const tokenSet = { ...record.tokens, expiresAt: Math.floor(Date.now() / 1000) + 86_400 };

  /** Writes `count` new sessions (`parallel` at a time) and returns their Cookie headers. */
  async function create(count, parallel = 64) {
    const cookies = new Array(count);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < count; i = next++) {
        const sid = randomBytes(32).toString('base64url');
        await store.save(sid, { ...template, csrfToken: randomBytes(32).toString('base64url') });
        if ((await tokens.write(sid, tokenSet, 0)) === undefined)
          throw new Error(`The token record of a new session was refused (${i})`);
        cookies[i] = `${cookieName}=${signedCookieValue(sid, secret)}`;
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return cookies;
  }

  return { create, close: () => redis.quit() };
}
