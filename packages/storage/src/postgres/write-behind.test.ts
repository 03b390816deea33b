import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestDatabase, testServerUrl, type TestDatabase } from "../testing/test-database";
import type { Db } from "./database";
import { writeBehind } from "./write-behind";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
  await database.db.execute(sql`create table write_behind_t (id int primary key)`);
});
afterAll(async () => {
  await database?.close();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await database.db.execute(sql`delete from write_behind_t`);
});

const ids = async (db: Db) => ((await db.execute(sql`select id from write_behind_t order by id`)) as unknown as { rows: { id: number }[] }).rows.map((r) => r.id);
const insert = (db: Db, id: number) => db.execute(sql`insert into write_behind_t (id) values (${id})`);

describe(`writes behind (${testServerUrl() ? "postgres" : "pglite"})`, () => {
  it("are seen by the transaction's next statement and committed with it", async () => {
    const seen = await database.db.transaction(async (tx) => {
      await writeBehind(async () => {
        await insert(tx, 1);
        await insert(tx, 2);
      });
      return ids(tx);
    });
    expect(seen).toEqual([1, 2]);
    await database.db.transaction((tx) => writeBehind(() => insert(tx, 3)));
    expect(await ids(database.db)).toEqual([1, 2, 3]);
  });

  it("a write that fails fails its transaction with its own error, and nothing of the transaction is kept", async () => {
    await insert(database.db, 1);
    const failing = database.db.transaction(async (tx) => {
      await insert(tx, 2);
      await writeBehind(() => insert(tx, 1)); // the primary key is taken
    });
    await expect(failing).rejects.toMatchObject({ cause: { code: "23505" } });
    expect(await ids(database.db)).toEqual([1]);

    // Failed before a statement the work waits for: that statement throws the write's error.
    const read = database.db.transaction(async (tx) => {
      await writeBehind(() => insert(tx, 1));
      return ids(tx);
    });
    await expect(read).rejects.toMatchObject({ cause: { code: "23505" } });
    expect(await ids(database.db)).toEqual([1]);
  });

  it("when the work fails after a write, the work's error is thrown and the write rolled back", async () => {
    const failing = database.db.transaction(async (tx) => {
      await writeBehind(() => insert(tx, 5));
      throw new Error("refused by the work");
    });
    await expect(failing).rejects.toThrow("refused by the work");
    expect(await ids(database.db)).toEqual([]);
  });

  it("outside a transaction a write runs as any statement, its error thrown at once", async () => {
    await writeBehind(() => insert(database.db, 7));
    expect(await ids(database.db)).toEqual([7]);
    await expect(writeBehind(() => insert(database.db, 7))).rejects.toMatchObject({ cause: { code: "23505" } });
  });
});

describe.skipIf(!testServerUrl())("writes behind on the PostgreSQL server", () => {
  /** What the client sends and when the server's answers arrive, in order. */
  function wire(): string[] {
    const log: string[] = [];
    const listening = new WeakSet<object>();
    const query = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const connection = (this as unknown as { connection: { on(event: string, listener: () => void): void } }).connection;
      if (!listening.has(connection)) {
        listening.add(connection);
        connection.on("readyForQuery", () => log.push("answer"));
      }
      const config = args[0] as { text?: string } | string;
      log.push(`send ${typeof config === "string" ? config : String(config.text)}`);
      return (query as (...a: unknown[]) => never).apply(this, args);
    });
    return log;
  }

  it("BEGIN goes out with the first statement and a write with COMMIT: two round trips, not four", async () => {
    const log = wire();
    await database.db.transaction(async (tx) => {
      await ids(tx);
      await writeBehind(() => insert(tx, 1));
    });
    expect(log).toEqual([
      "send begin",
      "send select id from write_behind_t order by id",
      "answer",
      "answer",
      "send insert into write_behind_t (id) values ($1)",
      "send commit",
      "answer",
      "answer",
    ]);
    expect(await ids(database.db)).toEqual([1]);
  });

  it("a rolled-back transaction answers ROLLBACK's own result, whatever its writes met", async () => {
    await insert(database.db, 1);
    const failing = database.db.transaction(async (tx) => {
      await writeBehind(() => insert(tx, 1));
      tx.rollback();
    });
    await expect(failing).rejects.toThrow(/rollback/i);
    expect(await ids(database.db)).toEqual([1]);
  });
});
