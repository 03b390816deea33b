import { sql } from "@siyu/storage/orm";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../shared/ids";
import { rows } from "../../shared/sql-rows";
import { LedgerBatch } from "./points.batch";
import { ENTRY_COLUMNS, toBucket, toEntry, type BucketRow, type EntryRow } from "./points.records";
import { lockAccounts, writeLedger } from "./points.rows";

/**
 * The accounts' lock (lockAccounts; openBatch shares its SQL): missing accounts are created, existing ones
 * locked without a new row version, and every balance read is the one committed last. The ledger's
 * write (writeLedger) stores every row as the batch holds it, whichever way a new bucket travels.
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

const DAY = 86_400_000;
const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));

describe(`writing a batch of the points ledger (${testServerUrl() ? "postgres" : "pglite"})`, () => {
  it("stores the entries, the new buckets in their final state and the balances as the batch holds them", async () => {
    const [a, b, c] = [newId(), newId(), newId()];
    const written = await database.db.transaction(async (tx) => {
      const locked = await lockAccounts(tx, WS, [a, b, c], NOW);
      const ledger = new LedgerBatch(WS, NOW, locked.accounts, new Map([[a, []], [b, []], [c, []]]));
      const earn = { kind: "earn" as const, source: "test", reason: null, idempotencyKey: null, pendingUntil: null };
      // Earned three days ago (an order's time): its bucket's earn time is not its entry's.
      ledger.earn({ ...earn, profileId: a, points: 100, earnedAt: new Date(NOW.getTime() - 3 * DAY), expiresAt: new Date(NOW.getTime() + 300 * DAY), orderId: "o-1" });
      // Pending for a week.
      ledger.earn({ ...earn, profileId: a, points: 50, earnedAt: NOW, expiresAt: null, pendingUntil: new Date(NOW.getTime() + 7 * DAY) });
      // Earned now; the debit below takes from the oldest bucket first, which is left with fewer points than it got.
      ledger.earn({ ...earn, profileId: a, points: 20, earnedAt: NOW, expiresAt: null });
      ledger.debit({ profileId: a, points: 30, kind: "redeem", source: "test", reason: "gift", idempotencyKey: "k-1", mayGoNegative: false });
      ledger.earn({ ...earn, profileId: b, points: 10, earnedAt: NOW, expiresAt: null, orderId: "o-2", idempotencyKey: "k-2" });
      // Earned for an old order whose points expired yesterday: expired in the same batch.
      ledger.earn({ ...earn, profileId: c, points: 5, earnedAt: new Date(NOW.getTime() - 400 * DAY), expiresAt: new Date(NOW.getTime() - DAY) });
      ledger.expireDue(c);
      const writes = ledger.writes();
      // A bucket that is not what its entry implies (a later expiry) travels as a row of its own.
      const odd = writes.newBuckets.find((x) => x.profile_id === b)!;
      odd.expires_at = new Date(NOW.getTime() + 30 * DAY);
      await writeLedger(tx, WS, writes, NOW);
      return writes;
    });
    const buckets = (await rows<Record<string, unknown>>(database.db, sql`select id, profile_id, entry_id, status, amount, remaining, order_id, earned_at, expires_at, pending_until
      from points_buckets where workspace_id = ${WS}::uuid and profile_id in (${a}::uuid, ${b}::uuid, ${c}::uuid)`)).map(toBucket);
    expect(byId(buckets)).toEqual(byId<BucketRow>(written.newBuckets));
    expect(buckets.find((x) => x.order_id === "o-1")).toMatchObject({ remaining: 70, earned_at: new Date(NOW.getTime() - 3 * DAY) });
    expect(buckets.find((x) => x.status === "pending")).toMatchObject({ amount: 50, remaining: 50 });
    expect(buckets.find((x) => x.profile_id === c)).toMatchObject({ status: "expired", amount: 5, remaining: 0 });
    const entries = (await rows<Record<string, unknown>>(database.db, sql`select ${ENTRY_COLUMNS} from points_entries
      where workspace_id = ${WS}::uuid and profile_id in (${a}::uuid, ${b}::uuid, ${c}::uuid)`)).map(toEntry);
    expect(byId(entries)).toEqual(byId<EntryRow>(written.entries));
    const balances = await rows<{ profile_id: string; available: string; pending: string }>(database.db, sql`select profile_id, available::text, pending::text
      from points_accounts where workspace_id = ${WS}::uuid and profile_id in (${a}::uuid, ${b}::uuid, ${c}::uuid)`);
    expect(Object.fromEntries(balances.map((x) => [x.profile_id, [Number(x.available), Number(x.pending)]]))).toEqual({ [a]: [90, 50], [b]: [10, 0], [c]: [0, 0] });
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
