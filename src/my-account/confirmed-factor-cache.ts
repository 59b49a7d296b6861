/**
 * How long "has this user a confirmed MFA factor?" is remembered (default 30 s:
 * docs/architecture.md#the-my-account-proxy).
 */
export const FACTOR_CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * In-memory, per-instance memory of the first-factor fact, keyed by user (the fact is the user's, not the
 * session's). Entries expire after a short TTL and are dropped when this instance forwards a successful
 * write to the user's authentication methods. Another instance may answer from its own entry for at most
 * the TTL; the tenant still enforces its own rules, and deleting or changing a factor always needs MFA.
 */
export class ConfirmedFactorCache {
  private readonly entries = new Map<string, { value: boolean; expiresAt: number }>();

  constructor(
    private readonly ttlMs = FACTOR_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(user: string): boolean | undefined {
    const entry = this.entries.get(user);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.entries.delete(user);
    return undefined;
  }

  set(user: string, value: boolean): void {
    if (this.entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(user);
    this.entries.set(user, { value, expiresAt: this.now() + this.ttlMs });
  }

  forget(user: string): void {
    this.entries.delete(user);
  }
}
