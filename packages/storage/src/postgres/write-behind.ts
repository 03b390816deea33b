import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Writes behind: statements of a transaction whose answers the caller does not read, sent without
 * waiting for them. On the PostgreSQL server the client pipelines them (server-statements.ts): a
 * transaction's BEGIN goes out with its first statement, and what `writeBehind` runs goes out with
 * the statement after it — usually COMMIT. For a group-committed batch of points awards that is two
 * round trips instead of four: BEGIN with the reads, the ledger's write with COMMIT. An error a
 * statement sent this way meets is thrown by the next statement the caller waits for (COMMIT at the
 * latest), so the transaction fails as it would have, one statement later. On the embedded store,
 * whose round trips cost no network, the statements run as usual.
 */

const behind = new AsyncLocalStorage<true>();

/**
 * Runs `work`, whose statements inside a transaction are sent without waiting for their answers:
 * only statements whose results nothing reads (inserts, updates, deletes; a data-modifying `with`).
 * Each resolves at once with an empty result; its error is thrown by the transaction's next
 * statement or by its COMMIT.
 */
export async function writeBehind(work: () => PromiseLike<unknown>): Promise<void> {
  // Awaited inside the scope: a Drizzle query runs when awaited, not when built.
  await behind.run(true, async () => {
    await work();
  });
}

/** Whether the statement being sent now belongs to a writeBehind (read by the server client). */
export function writingBehind(): boolean {
  return behind.getStore() === true;
}
