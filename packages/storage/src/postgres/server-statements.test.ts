import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerTestDatabase, testServerUrl } from "../testing/test-database";
import { openDatabase, type Database } from "./database";
import { StatementNames } from "./server-statements";

describe("statement names", () => {
  it("names a data statement on its second sighting, keeps the name, and names no more than its capacity", () => {
    const names = new StatementNames(2);
    expect(names.nameOf("select 1")).toBeUndefined();
    const first = names.nameOf("select 1");
    expect(first).toBeDefined();
    expect(names.nameOf("select 1")).toBe(first);
    names.nameOf("select 2");
    expect(names.nameOf("select 2")).toBeDefined();
    names.nameOf("select 3");
    expect(names.nameOf("select 3")).toBeUndefined();
    expect(names.size).toBe(2);
  });

  it("never names anything but select, insert, update, delete and with", () => {
    const names = new StatementNames(10);
    for (const text of ["begin", "commit", "create table t (a int)", "set x = 1", "  vacuum t"]) {
      names.nameOf(text);
      expect(names.nameOf(text)).toBeUndefined();
    }
  });

  it("a forgotten text is named afresh", () => {
    const names = new StatementNames(10);
    names.nameOf("select 1");
    const first = names.nameOf("select 1");
    names.forget("select 1");
    names.nameOf("select 1");
    expect(names.nameOf("select 1")).not.toBe(first);
  });
});

const server = testServerUrl();

describe.skipIf(!server)("named statements on the PostgreSQL server", () => {
  let database: Database;
  let drop: () => Promise<void>;
  const execute = async <T,>(query: SQL) => ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
  // One connection, so the session the statements were prepared in is the one asked.
  const prepared = async () => (await execute<{ statement: string }>(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);

  beforeAll(async () => {
    const target = await createServerTestDatabase(server!);
    drop = target.drop;
    database = await openDatabase({ kind: "postgres", url: target.url, poolSize: 1 });
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it("runs a repeated statement as a prepared statement with each run's values; a statement run once stays unnamed", async () => {
    const sums: number[] = [];
    for (const n of [1, 2, 3]) sums.push((await execute<{ sum: number }>(sql`select ${n}::int + 40 as sum`))[0]!.sum);
    expect(sums).toEqual([41, 42, 43]);
    await execute(sql`select 'once' as once`);
    const statements = await prepared();
    expect(statements).toContain("select $1::int + 40 as sum");
    expect(statements).not.toContain("select 'once' as once");
  });

  it("when a table a named statement reads changes shape, the statement runs again unnamed outside a transaction and fails inside one", async () => {
    await execute(sql`create table shape_change (a int)`);
    await execute(sql`insert into shape_change values (1)`);
    const read = () => execute<Record<string, number | null>>(sql`select * from shape_change`);
    await read();
    expect(await read()).toEqual([{ a: 1 }]);
    expect(await prepared()).toContain("select * from shape_change");

    await execute(sql`alter table shape_change add column b int`);
    expect(await read()).toEqual([{ a: 1, b: null }]);

    await read();
    await read();
    await execute(sql`alter table shape_change add column c int`);
    await expect(database.db.transaction((tx) => tx.execute(sql`select * from shape_change`))).rejects.toMatchObject({ cause: { code: "0A000" } });
    expect(await read()).toEqual([{ a: 1, b: null, c: null }]);
  });

  it("with no named statements allowed (a pooler in transaction mode), every statement runs unnamed", async () => {
    const target = await createServerTestDatabase(server!);
    const unnamed = await openDatabase({ kind: "postgres", url: target.url, poolSize: 1, namedStatements: 0 });
    try {
      for (const n of [1, 2, 3]) await unnamed.db.execute(sql`select ${n}::int as n`);
      expect(((await unnamed.db.execute(sql`select count(*)::int as n from pg_prepared_statements`)) as unknown as { rows: { n: number }[] }).rows).toEqual([{ n: 0 }]);
    } finally {
      await unnamed.close();
      await target.drop();
    }
  });
});
