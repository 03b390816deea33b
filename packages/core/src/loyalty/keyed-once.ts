import type { Db } from "@siyu/storage";
import { isUniqueViolation } from "../shared/domain-error";

/**
 * Runs a keyed operation once. In one transaction: `lock` (the member's account, so a replay waits for the
 * original), then `replay` (the first result, or loyalty.idempotency_conflict for another request under the
 * key), else `work`. A replay that raced past the lock hits the key's unique index and is answered by
 * `replay` outside the failed transaction.
 */
export async function keyedOnce<L, T>(db: Db, steps: { lock(tx: Db): Promise<L>; replay(on: Db): Promise<T | null>; work(tx: Db, locked: L): Promise<T> }): Promise<T> {
  try {
    return await db.transaction(async (tx) => {
      const locked = await steps.lock(tx);
      return (await steps.replay(tx)) ?? (await steps.work(tx, locked));
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const prior = await steps.replay(db);
    if (!prior) throw error;
    return prior;
  }
}
