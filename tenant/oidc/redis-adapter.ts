import type { Redis } from 'ioredis';

/**
 * oidc-provider's storage adapter on Redis (its adapter contract: upsert/find/findByUid/findByUserCode/
 * consume/destroy/revokeByGrantId), so sessions, grants, codes and refresh tokens survive a restart.
 * Keys: `<prefix>oidc:<Model>:<id>`, each with the model's TTL; `<prefix>oidc:grant:<grantId>` lists the
 * keys of a grant's tokens (revocation, refresh-token reuse); `SessionSid:<sid>` finds the session an ID
 * token's `sid` belongs to (logout by `logout_hint`).
 */

/** Models whose tokens belong to a grant and die with it. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

type Payload = Record<string, unknown>;

export interface RedisAdapterOptions {
  /**
   * Seconds during which a refresh token that was already rotated may still be used (Auth0 "reuse
   * interval"/leeway). Past it, reuse is detected and oidc-provider revokes the whole grant.
   */
  refreshTokenReuseInterval(clientId: string): number;
}

export interface AdapterFactory {
  (model: string): RedisAdapter;
  /** The session id (cookie value) holding the given OIDC `sid`, if any. */
  findSessionIdBySid: (sid: string) => Promise<string | undefined>;
}

const now = () => Math.floor(Date.now() / 1000);

export class RedisAdapter {
  constructor(
    private readonly model: string,
    private readonly redis: Redis,
    private readonly ns: string,
    private readonly options: RedisAdapterOptions,
  ) {}

  private key(id: string): string {
    return `${this.ns}${this.model}:${id}`;
  }
  private grantKey(grantId: string): string {
    return `${this.ns}grant:${grantId}`;
  }

  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    const ttl = typeof expiresIn === 'number' && expiresIn > 0 ? Math.ceil(expiresIn) : undefined;
    const stored = this.model === 'RefreshToken' ? withoutAmr(payload) : payload;
    const multi = this.redis.multi();
    if (ttl) multi.set(key, JSON.stringify(stored), 'EX', ttl);
    else multi.set(key, JSON.stringify(stored));
    if (GRANTABLE.has(this.model) && typeof payload.grantId === 'string') {
      const grantKey = this.grantKey(payload.grantId);
      multi.rpush(grantKey, key);
      // The index lives as long as the longest-lived member.
      const current = await this.redis.ttl(grantKey);
      if (ttl && ttl > current && current !== -1) multi.expire(grantKey, ttl);
      if (!ttl) multi.persist(grantKey);
    }
    if (typeof payload.userCode === 'string')
      this.setIndex(multi, `${this.ns}userCode:${payload.userCode}`, id, ttl);
    if (typeof payload.uid === 'string') this.setIndex(multi, `${this.ns}uid:${payload.uid}`, id, ttl);
    if (this.model === 'Session') {
      const authorizations = (payload.authorizations ?? {}) as Record<string, { sid?: string }>;
      for (const { sid } of Object.values(authorizations)) {
        if (sid) this.setIndex(multi, `${this.ns}SessionSid:${sid}`, id, ttl);
      }
    }
    await multi.exec();
  }

  private setIndex(
    multi: ReturnType<Redis['multi']>,
    key: string,
    value: string,
    ttl: number | undefined,
  ): void {
    if (ttl) multi.set(key, value, 'EX', ttl);
    else multi.set(key, value);
  }

  async find(id: string): Promise<Payload | undefined> {
    const raw = await this.redis.get(this.key(id));
    if (!raw) return undefined;
    const payload = JSON.parse(raw) as Payload;
    if (
      this.model === 'RefreshToken' &&
      typeof payload.consumed === 'number' &&
      typeof payload.clientId === 'string'
    ) {
      const interval = this.options.refreshTokenReuseInterval(payload.clientId);
      // Within the reuse interval the previous token still works (it rotates again); past it, the
      // `consumed` mark makes oidc-provider treat the call as reuse and revoke the grant.
      if (interval > 0 && now() - payload.consumed <= interval) return { ...payload, consumed: undefined };
    }
    return payload;
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    const id = await this.redis.get(`${this.ns}uid:${uid}`);
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    const id = await this.redis.get(`${this.ns}userCode:${userCode}`);
    return id ? this.find(id) : undefined;
  }

  async consume(id: string): Promise<void> {
    const key = this.key(id);
    const raw = await this.redis.get(key);
    if (!raw) return;
    const payload = JSON.parse(raw) as Payload;
    if (typeof payload.consumed === 'number') return; // the first use counts for the reuse interval
    payload.consumed = now();
    await this.redis.set(key, JSON.stringify(payload), 'KEEPTTL');
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = this.grantKey(grantId);
    const keys = await this.redis.lrange(grantKey, 0, -1);
    await this.redis.del(...keys, grantKey);
  }
}

/**
 * Auth0 leaves `amr` out of ID tokens minted from a refresh token, and oidc-provider copies the refresh
 * token's `amr` into those: so refresh tokens are stored without it (access tokens never carry it here).
 */
function withoutAmr(payload: Payload): Payload {
  if (!('amr' in payload)) return payload;
  const { amr: _amr, ...rest } = payload;
  return rest;
}

export function createRedisAdapterFactory(
  redis: Redis,
  prefix: string,
  options: RedisAdapterOptions,
): AdapterFactory {
  const ns = `${prefix}oidc:`;
  const factory = ((model: string) => new RedisAdapter(model, redis, ns, options)) as AdapterFactory;
  factory.findSessionIdBySid = async (sid) => (await redis.get(`${ns}SessionSid:${sid}`)) ?? undefined;
  return factory;
}
