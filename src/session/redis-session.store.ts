import session from 'express-session';
import { SessionStoreUnavailable } from '../http/bff-error.js';
import type { Logger } from 'pino';
import type { SessionConfig } from '../config/config.schema.js';
import { type ReplicaWait, runDurably } from './durable-write.js';
import type { RedisClient } from './redis.factory.js';
import { SessionKeys, SESSION_ID_PATTERN } from './session-keys.js';
import { isPastDeadline, isTouchDue, sessionTimes, type SessionTimes } from './session-deadlines.js';
import { SessionScripts } from './session-scripts.js';
import type { RawTokenRecord } from './token.store.js';

/** A session as stored: its JSON data, creation and last activity (epoch ms), its token record (encrypted). */
export interface StoredSession {
  readonly data: string;
  readonly created: number;
  readonly seen: number;
  readonly tokens: RawTokenRecord;
}

/**
 * express-session `Store` on ioredis, written here rather than taken from connect-redis: connect-redis 9+
 * targets node-redis only (with ioredis it silently stores nothing), and 8.x cannot do what this store
 * needs: per-session hash tags for Cluster, sid/sub indexes for back-channel logout and the sessions list,
 * a separate encrypted token record with compare-and-set, a tombstone against resurrection, an absolute
 * deadline and throttled activity writes.
 *
 * Expiry is enforced here, not trusted to the cookie: idle (sliding, via `seen`) and absolute (via
 * `created`), both on read and as the Redis TTL.
 */
export class RedisSessionStore extends session.Store {
  readonly keys: SessionKeys;
  private readonly scripts: SessionScripts;
  private readonly times: SessionTimes;

  constructor(
    private readonly redis: RedisClient,
    private readonly config: SessionConfig,
    private readonly now: () => number = Date.now,
    /** Told when a read finds a session past its idle or absolute deadline (and removes it). */
    private readonly onExpired: () => void = () => undefined,
    private readonly durability: { wait: ReplicaWait; logger?: Logger } = {
      wait: { replicas: 0, timeoutMs: 0 },
    },
  ) {
    super();
    this.keys = new SessionKeys(config.keyPrefix);
    this.scripts = new SessionScripts(redis);
    this.times = sessionTimes(config);
  }

  private get idleMs(): number {
    return this.times.idleMs;
  }
  private get absMs(): number {
    return this.times.absMs;
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    this.read(sid).then(
      (s) => callback(null, s),
      (err) => callback(new SessionStoreError(err, this.config.retryAfterSeconds)),
    );
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.save(sid, data).then(
      () => callback?.(),
      (err) => callback?.(new SessionStoreError(err, this.config.retryAfterSeconds)),
    );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.remove(sid).then(
      () => callback?.(),
      (err) => callback?.(new SessionStoreError(err, this.config.retryAfterSeconds)),
    );
  }

  /**
   * Only a new id and an empty session: express-session's default destroys the old record first, so a
   * failed login would lose the session it was replacing. `SessionService.establish` removes the old
   * record once the new one is written.
   */
  override regenerate(req: Express.Request, callback: (err?: unknown) => void): void {
    // `generate` is set on the store by the express-session middleware (new id, new Session, cookie).
    (this as unknown as { generate(req: Express.Request): void }).generate(req);
    callback();
  }

  /** Called by express-session after every request that did not change the session. */
  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    this.recordActivity(sid, data).then(
      () => callback?.(),
      (err) =>
        (callback as (e?: unknown) => void)?.(new SessionStoreError(err, this.config.retryAfterSeconds)),
    );
  }

  /**
   * The stored records of a session in ONE command (session hash and encrypted token record share a
   * hash tag, so one slot): undefined when absent, destroyed (tombstone) or not an id we issue. No write.
   */
  async readRecord(sid: string): Promise<StoredSession | undefined> {
    if (!SESSION_ID_PATTERN.test(sid)) return undefined;
    const reply = await this.scripts.run<(string | null)[]>(
      'bffSessionRead',
      [this.keys.session(sid), this.keys.tokens(sid), this.keys.tombstone(sid)],
      [],
    );
    const [data, created, seen, v, ct] = reply;
    if (!data || !created || !seen) return undefined;
    return { data, created: Number(created), seen: Number(seen), tokens: { v: v ?? null, ct: ct ?? null } };
  }

  /** Whether a stored session is over at `now` (idle or absolute deadline, SES-8/SES-9). */
  isPastDeadline(record: StoredSession, now = this.now()): boolean {
    return isPastDeadline(this.times, now, record.created, record.seen);
  }

  /** The session, or null when absent, malformed, idle too long or past its absolute deadline. */
  async read(sid: string): Promise<session.SessionData | null> {
    const record = await this.readRecord(sid);
    if (!record) return null;
    if (this.isPastDeadline(record)) {
      await this.remove(sid);
      this.onExpired();
      return null;
    }
    try {
      return {
        ...(JSON.parse(record.data) as session.SessionData),
        createdAt: record.created,
        lastSeenAt: record.seen,
      };
    } catch {
      return null;
    }
  }

  async save(sid: string, data: session.SessionData): Promise<void> {
    const { createdAt: _c, lastSeenAt: _l, ...rest } = data;
    // A new or changed session must survive the loss of its master: WAIT for the replicas (RED-6).
    const result = await runDurably<number>(
      this.redis,
      this.durability.wait,
      this.durability.logger,
      'bffSessionSet',
      [
        this.keys.session(sid),
        this.keys.tokens(sid),
        this.keys.tombstone(sid),
        this.now(),
        this.idleMs,
        this.absMs,
        JSON.stringify(rest),
      ],
    );
    if (result === 1) await this.index(sid, data);
  }

  /** Writes activity at most once per `touchIntervalSeconds`, and never for a request that opted out. */
  async recordActivity(sid: string, data: session.SessionData): Promise<void> {
    if (isActivityIgnored(data)) return;
    await this.touchIfDue(sid, typeof data.lastSeenAt === 'number' ? data.lastSeenAt : Number.NaN);
  }

  /** The activity write itself, when due after the last one at `lastSeenAt` (epoch ms). */
  async touchIfDue(sid: string, lastSeenAt: number): Promise<void> {
    const now = this.now();
    if (!isTouchDue(this.times, now, lastSeenAt)) return;
    await this.scripts.run(
      'bffSessionTouch',
      [this.keys.session(sid), this.keys.tokens(sid)],
      [now, this.idleMs, this.absMs],
    );
  }

  /** Deletes the session and its tokens, leaves a tombstone, and drops it from the indexes. */
  async remove(sid: string): Promise<void> {
    const data = await this.scripts.run<string | null>(
      'bffSessionDestroy',
      [this.keys.session(sid), this.keys.tokens(sid), this.keys.tombstone(sid)],
      [this.absMs],
    );
    const parsed = data ? (safeParse(data) as Partial<session.SessionData> | undefined) : undefined;
    const removals: Promise<unknown>[] = [];
    if (parsed?.user?.sub) removals.push(this.redis.srem(this.keys.bySub(parsed.user.sub), sid));
    if (parsed?.oidcSid) removals.push(this.redis.srem(this.keys.byOidcSid(parsed.oidcSid), sid));
    await Promise.all(removals);
  }

  /** Ids of sessions indexed under a user or an OIDC session (may include expired ones: check with read). */
  async idsBySub(sub: string): Promise<string[]> {
    return this.redis.smembers(this.keys.bySub(sub));
  }
  async idsByOidcSid(oidcSid: string): Promise<string[]> {
    return this.redis.smembers(this.keys.byOidcSid(oidcSid));
  }

  /** Index sets live as long as their newest member can (the absolute timeout), refreshed on each write. */
  private async index(sid: string, data: session.SessionData): Promise<void> {
    const writes: Promise<unknown>[] = [];
    const add = (key: string) =>
      writes.push(this.redis.sadd(key, sid).then(() => this.redis.pexpire(key, this.absMs)));
    if (data.user?.sub) add(this.keys.bySub(data.user.sub));
    if (data.oidcSid) add(this.keys.byOidcSid(data.oidcSid));
    await Promise.all(writes);
  }
}

const IGNORE_ACTIVITY = Symbol('bff.ignoreActivity');

/** Marks the current request as not extending the idle timeout (e.g. `GET /api/session`). */
export function ignoreActivity(data: object): void {
  Object.defineProperty(data, IGNORE_ACTIVITY, { value: true, enumerable: false, configurable: true });
}

function isActivityIgnored(data: object): boolean {
  return (data as Record<symbol, unknown>)[IGNORE_ACTIVITY] === true;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Redis failed (down, timeout, refused): the caller must answer 503, never treat the user as anonymous. */
export class SessionStoreError extends SessionStoreUnavailable {
  constructor(cause: unknown, retryAfterSeconds: number) {
    super(retryAfterSeconds, cause);
    this.message = `session store failed: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}
