import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestDatabase, testServerUrl, type TestDatabase } from "../testing/test-database";
import { setConfigStatement, transactionWithSettings } from "./transaction-settings";
import type { Db } from "./database";

const setting = async (db: Db, name: string) =>
  ((await db.execute(sql`select current_setting(${name}) as value`)) as unknown as { rows: { value: string }[] }).rows[0]!.value;

describe("transaction settings", () => {
  it("builds one set_config statement and refuses what is no setting name", () => {
    expect(setConfigStatement({ enable_seqscan: "off", "siyu.note": "it's" })).toBe(
      "select set_config('enable_seqscan', 'off', true), set_config('siyu.note', 'it''s', true)",
    );
    expect(() => setConfigStatement({ "enable_seqscan = on; drop table x; --": "off" })).toThrow(RangeError);
    expect(() => setConfigStatement({})).toThrow(RangeError);
  });
});

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe(`a transaction with settings (${testServerUrl() ? "postgres" : "pglite"})`, () => {
  it("holds them for its whole length, and they end with it, committed or rolled back", async () => {
    const before = await setting(database.db, "enable_seqscan");
    const seen = await transactionWithSettings(database.db, { enable_seqscan: before === "on" ? "off" : "on", "siyu.batch": "7" }, async (tx) => {
      const first = [await setting(tx, "enable_seqscan"), await setting(tx, "siyu.batch")];
      await tx.execute(sql`select 1`);
      return [...first, await setting(tx, "enable_seqscan")];
    });
    expect(seen).toEqual([before === "on" ? "off" : "on", "7", before === "on" ? "off" : "on"]);
    expect(await setting(database.db, "enable_seqscan")).toBe(before);

    await expect(
      transactionWithSettings(database.db, { enable_seqscan: before === "on" ? "off" : "on" }, async () => {
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(await setting(database.db, "enable_seqscan")).toBe(before);
  });
});

describe.skipIf(!testServerUrl())("a transaction with settings on the PostgreSQL server", () => {
  it("sends them with BEGIN: no statement of their own", async () => {
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as { text?: string } | string;
      sent.push(typeof config === "string" ? config : String(config.text));
      return (query as (...a: unknown[]) => never).apply(this, args);
    });
    const value = await transactionWithSettings(database.db, { enable_seqscan: "off" }, (tx) => setting(tx, "enable_seqscan"));
    expect(value).toBe("off");
    expect(sent).toEqual(["begin; select set_config('enable_seqscan', 'off', true)", "select current_setting($1) as value", "commit"]);
  });

  it("a transaction begun inside its work, on another connection, is not given them", async () => {
    const inner = await transactionWithSettings(database.db, { "siyu.batch": "outer" }, () =>
      database.db.transaction((other) => setting(other, "siyu.batch").catch(() => "unset")),
    );
    expect(["", "unset"]).toContain(inner);
  });
});
