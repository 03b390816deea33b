import { sql } from "@siyu/storage/orm";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../shared/ids";
import { rows } from "../../shared/sql-rows";
import { lockAccounts } from "./points.rows";

/**
 * The accounts' lock (lockAccounts; openBatch shares its SQL): missing accounts are created, existing ones
 * locked without a new row version, and every balance read is the one committed last.
 */
let database: TestDatabase;
const WS = "01900000-0000-7000-8000-00000000a001";
const NOW = new Date("2026-03-02T04:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function account(profileId: string, available: number) {
  await database.db.execute(sql`insert into points_accounts (workspace_id, profile_id, available, pending, lifetime_earned, version, updated_at)
    values (${WS}::uuid, ${profileId}::uuid, ${available}, 0, ${available}, 3, now())`);
}

const versionOf = async (db: TestDatabase["db"], profileId: string) =>
  (await rows<{ xmin: string }>(db, sql`select xmin::text as xmin from points_accounts where workspace_id = ${WS}::uuid and profile_id = ${profileId}::uuid`))[0]?.xmin;

describe(`locking points accounts (${testServerUrl() ? "postgres" : "pglite"})`, () => {
  it("creates the missing accounts, returns the existing ones' balances and writes no row version for them", async () => {
    const [rich, poor, fresh] = [newId(), newId(), newId()];
    await account(rich, 500);
    await account(poor, 7);
    const before = [await versionOf(database.db, rich), await versionOf(database.db, poor)];
    const locked = await database.db.transaction((tx) => lockAccounts(tx, WS, [rich, fresh, poor, rich], NOW));
    expect([...locked.created]).toEqual([fresh]);
    expect(Object.fromEntries([...locked.accounts].map(([id, a]) => [id, [a.available, a.version]]))).toEqual({ [rich]: [500, 3], [poor]: [7, 3], [fresh]: [0, 0] });
    // The same row versions: the lock wrote nothing to them.
    expect([await versionOf(database.db, rich), await versionOf(database.db, poor)]).toEqual(before);
  });
});

describe.skipIf(!testServerUrl())("locking points accounts on the PostgreSQL server", () => {
  it("holds the lock until the transaction ends, and a lock that waited reads the balance committed meanwhile", async () => {
    const member = newId();
    await account(member, 100);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // A transaction locks the account, then moves its balance and commits while a second waits for the lock.
    let second: Promise<Awaited<ReturnType<typeof lockAccounts>>> | undefined;
    const first = database.db.transaction(async (tx) => {
      await lockAccounts(tx, WS, [member], NOW);
      locked();
      await held;
      await tx.execute(sql`update points_accounts set available = 160, version = version + 1 where workspace_id = ${WS}::uuid and profile_id = ${member}::uuid`);
    });
    try {
      await isLocked;
      const refused = database.db.transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '100ms'`);
        await lockAccounts(tx, WS, [member], NOW);
      });
      // 55P03: lock_not_available (the lock timeout).
      await expect(refused).rejects.toMatchObject({ cause: { code: "55P03" } });
      second = database.db.transaction((tx) => lockAccounts(tx, WS, [member], NOW));
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      release();
    }
    await first;
    const seen = (await second!).accounts.get(member)!;
    expect([seen.available, seen.version]).toEqual([160, 4]);
  });
});
