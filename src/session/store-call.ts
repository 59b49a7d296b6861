import { SessionStoreError } from './redis-session.store.js';

/**
 * The one mapping of a Redis failure (down, timeout, refused, READONLY past its retry) to the BFF's answer:
 * `SessionStoreError`, a 503 `session_store_unavailable` with `Retry-After` (README, "When Redis fails").
 * Never a logout, never an anonymous caller: the request fails and the session stays as it was.
 */
export async function callStore<T>(retryAfterSeconds: number, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (err) {
    throw new SessionStoreError(err, retryAfterSeconds);
  }
}
