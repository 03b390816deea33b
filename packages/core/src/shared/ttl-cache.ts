/**
 * A small read-through cache for per-workspace settings read on hot paths. It is
 * an optimisation only: entries expire, so another process's change shows within `ttlMs`.
 */
export function ttlCache<T>(load: (key: string) => Promise<T>, ttlMs: number, now: () => number = Date.now) {
  const entries = new Map<string, { value: Promise<T>; until: number }>();
  return {
    get(key: string): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.until > now()) return hit.value;
      const value = load(key);
      entries.set(key, { value, until: now() + ttlMs });
      value.catch(() => entries.delete(key));
      return value;
    },
    invalidate(key: string) {
      entries.delete(key);
    },
  };
}
