/**
 * A small read-through cache for per-workspace settings read on hot paths. It is
 * an optimisation only: entries expire, so another process's change shows within `ttlMs`.
 *
 * Only settled values are shared. A load in flight is never handed to another
 * caller: that caller may hold a transaction the load is waiting for (PGlite has
 * one connection), and waiting on it would deadlock both.
 */
export function ttlCache<T, A = void>(load: (key: string, arg: A) => Promise<T>, ttlMs: number, now: () => number = Date.now) {
  const entries = new Map<string, { value: T; until: number }>();
  return {
    /** `arg` reaches the loader on a miss (e.g. the caller's transaction handle). */
    async get(key: string, arg: A): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.until > now()) return hit.value;
      const value = await load(key, arg);
      entries.set(key, { value, until: now() + ttlMs });
      return value;
    },
    invalidate(key: string) {
      entries.delete(key);
    },
  };
}
