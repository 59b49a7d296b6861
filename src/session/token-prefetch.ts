import { AsyncLocalStorage } from 'node:async_hooks';

/** A token record as stored: version and ciphertext (still encrypted). */
export interface RawTokenRecord {
  v: string | null;
  ct: string | null;
}

/**
 * The proxy's hot path reads the session and its token record in ONE Redis round trip
 * (docs/architecture.md#performance): the store fetches both when express-session loads the session and parks
 * the (still encrypted) token record here, for this request only; `TokenStore.read` takes it from here
 * instead of asking Redis again.
 */
const prefetched = new AsyncLocalStorage<Map<string, RawTokenRecord>>();

/** Runs `fn` (the rest of the request) with an empty per-request cache. */
export function withTokenPrefetch<T>(fn: () => T): T {
  return prefetched.run(new Map(), fn);
}

export function parkTokenRecord(sid: string, record: RawTokenRecord): void {
  prefetched.getStore()?.set(sid, record);
}

/** The parked record (once: a later read goes to Redis, so it sees writes made meanwhile). */
export function takeTokenRecord(sid: string): RawTokenRecord | undefined {
  const cache = prefetched.getStore();
  const record = cache?.get(sid);
  cache?.delete(sid);
  return record;
}

export function forgetTokenRecord(sid: string): void {
  prefetched.getStore()?.delete(sid);
}
