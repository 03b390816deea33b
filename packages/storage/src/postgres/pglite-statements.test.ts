import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { eq } from "drizzle-orm";
import { integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { parse, PGlite, types } from "@electric-sql/pglite";
import { openDatabase, type Database } from "./database";
import { readResults } from "./pglite-statements";

const notes = pgTable("statement_notes", {
  id: integer("id").primaryKey(),
  body: text("body"),
  data: jsonb("data"),
});

let store: Database;
beforeAll(async () => {
  store = await openDatabase({ kind: "pglite", dataDir: null });
  await store.db.execute(sql`create table statement_notes (id int primary key, body text, data jsonb, at timestamptz default '2026-11-30T08:00:00Z')`);
});
afterAll(() => store.close());

type Rows<T> = { rows: T[]; affectedRows?: number };
const execute = async <T>(query: ReturnType<typeof sql>) => (await store.db.execute(query)) as unknown as Rows<T>;

describe("prepared statements on the embedded store", () => {
  it("returns the same rows, types and counts run after run", async () => {
    for (let run = 0; run < 3; run++) {
      const inserted = await store.db.insert(notes).values({ id: 10 + run, body: `note ${run}`, data: { n: run } }).returning();
      expect(inserted).toEqual([{ id: 10 + run, body: `note ${run}`, data: { n: run } }]);
    }
    const updated = await execute(sql`update statement_notes set body = upper(body) where id >= ${11}`);
    expect(updated.affectedRows).toBe(2);
    expect(await store.db.select().from(notes).where(eq(notes.id, 12))).toEqual([{ id: 12, body: "NOTE 2", data: { n: 2 } }]);
    const typed = await execute<{ id: number; at: string; nothing: null; big: number }>(
      sql`select id, at, null::text as nothing, 2::bigint as big from statement_notes where id = ${10}`,
    );
    expect(typed.rows).toEqual([{ id: 10, at: "2026-11-30 08:00:00+00", nothing: null, big: 2 }]);
    const deleted = await execute(sql`delete from statement_notes where id >= ${10}`);
    expect(deleted.affectedRows).toBe(3);
  });

  it("carries large text and JSON values, in any script, intact", async () => {
    const body = "门店会员 🎉 ".repeat(400) + "end";
    const items = Array.from({ length: 300 }, (_, i) => ({ id: 100 + i, body: `第${i}位顾客 "quoted" \\ back`, data: { tags: ["新客", "😀"], i } }));
    await execute(sql`insert into statement_notes (id, body, data)
      select x.id, x.body, x.data from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as x(id int, body text, data jsonb)`);
    await execute(sql`insert into statement_notes (id, body) values (${99}, ${body})`);
    const json = await execute<{ n: number }>(sql`select count(*)::int as n from json_array_elements(${JSON.stringify(items)}::json)`);
    expect(json.rows[0]!.n).toBe(300);
    const back = await execute<{ id: number; body: string; data: unknown }>(sql`select id, body, data from statement_notes where id >= ${99} order by id`);
    expect(back.rows[0]).toEqual({ id: 99, body, data: null });
    expect(back.rows.slice(1)).toEqual(items);
    expect(body.length).toBeGreaterThan(512);
  });

  it("fails a bad statement with PostgreSQL's error and keeps working", async () => {
    const duplicate = store.db.transaction(async (tx) => {
      await tx.execute(sql`insert into statement_notes (id, body) values (${1}, ${"first"})`);
      await tx.execute(sql`insert into statement_notes (id, body) values (${1}, ${"again"})`);
    });
    await expect(duplicate).rejects.toMatchObject({ cause: { code: "23505" } });
    expect((await execute<{ n: number }>(sql`select count(*)::int as n from statement_notes where id = ${1}`)).rows[0]!.n).toBe(0);

    await expect(execute(sql`select nope from statement_notes where id = ${1}`)).rejects.toMatchObject({ cause: { code: "42703" } });
    await expect(execute(sql`select ${"x"}::int as n`)).rejects.toMatchObject({ cause: { code: "22P02" } });
    expect((await execute<{ n: number }>(sql`select ${"7"}::int as n`)).rows).toEqual([{ n: 7 }]);
  });

  it("sees a table's new shape after it changes", async () => {
    await execute(sql`create table statement_shapes (id int)`);
    await execute(sql`insert into statement_shapes values (1)`);
    const read = () => execute<Record<string, unknown>>(sql`select * from statement_shapes where id = ${1}`);
    expect((await read()).rows).toEqual([{ id: 1 }]);
    await execute(sql`alter table statement_shapes add column label text default 'new'`);
    expect((await read()).rows).toEqual([{ id: 1, label: "new" }]);
  });

  it("keeps at most a bounded number of statements prepared", async () => {
    for (let i = 0; i < 450; i++) await execute(sql.raw(`select ${i} as n where ${i} = $1`.replace("$1", String(i))));
    const prepared = await execute<{ n: number }>(sql`select count(*)::int as n from pg_prepared_statements`);
    expect(prepared.rows[0]!.n).toBeGreaterThan(300);
    expect(prepared.rows[0]!.n).toBeLessThanOrEqual(401);
    expect((await execute<{ n: number }>(sql`select 1 as n where ${1} = 1`)).rows).toEqual([{ n: 1 }]);
  });

  it("never lets a query in between a transaction's statements", async () => {
    let release!: () => void;
    let started!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = new Promise<void>((resolve) => (started = resolve));
    const transaction = store.db.transaction(async (tx) => {
      await tx.execute(sql`insert into statement_notes (id, body) values (${500}, ${"a"})`);
      started();
      await held;
      await tx.execute(sql`insert into statement_notes (id, body) values (${501}, ${"b"})`);
    });
    await first;
    const count = execute<{ n: number }>(sql`select count(*)::int as n from statement_notes where id >= ${500}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await transaction;
    expect((await count).rows[0]!.n).toBe(2);
  });

  it("commits, rolls back, and keeps savepoints inside a transaction", async () => {
    await store.db.transaction(async (tx) => {
      await tx.execute(sql`insert into statement_notes (id, body) values (${600}, ${"kept"})`);
      // A nested transaction is a savepoint: its failure rolls back to it, the outer one goes on.
      await expect(
        tx.transaction(async (inner) => {
          await inner.execute(sql`insert into statement_notes (id, body) values (${601}, ${"undone"})`);
          await inner.execute(sql`insert into statement_notes (id, body) values (${600}, ${"duplicate"})`);
        }),
      ).rejects.toMatchObject({ cause: { code: "23505" } });
      await tx.transaction(async (inner) => {
        await inner.execute(sql`insert into statement_notes (id, body) values (${602}, ${"nested"})`);
      });
      // Statements with parameters beyond data statements run too.
      const plan = (await tx.execute(sql`explain select * from statement_notes where id = ${600}`)) as unknown as Rows<Record<string, string>>;
      expect(plan.rows.length).toBeGreaterThan(0);
    });
    await expect(
      store.db.transaction(async (tx) => {
        await tx.execute(sql`insert into statement_notes (id, body) values (${603}, ${"rolled back"})`);
        tx.rollback();
      }),
    ).rejects.toThrow(/rollback/i);
    const ids = await execute<{ id: number }>(sql`select id from statement_notes where id between ${600} and ${609} order by id`);
    expect(ids.rows).toEqual([{ id: 600 }, { id: 602 }]);
  });

  it("reports a failed commit and leaves nothing of the transaction", async () => {
    await execute(sql`create table statement_pairs (id int primary key, partner int references statement_pairs (id) deferrable initially deferred)`);
    const broken = store.db.transaction(async (tx) => {
      await tx.execute(sql`insert into statement_pairs values (${1}, ${2})`);
    });
    await expect(broken).rejects.toMatchObject({ code: "23503" });
    expect((await execute<{ n: number }>(sql`select count(*)::int as n from statement_pairs`)).rows[0]!.n).toBe(0);
    await store.db.transaction(async (tx) => {
      await tx.execute(sql`insert into statement_pairs values (${1}, ${1})`);
    });
    expect((await execute<{ n: number }>(sql`select count(*)::int as n from statement_pairs`)).rows[0]!.n).toBe(1);
  });

  it("plans each run with its own values", async () => {
    expect((await execute<{ plan_cache_mode: string }>(sql`show plan_cache_mode`)).rows).toEqual([{ plan_cache_mode: "force_custom_plan" }]);
  });
});

describe("reading a statement's results", () => {
  let client: PGlite;
  beforeAll(async () => {
    client = new PGlite();
    await client.exec("create table counted (id int)");
  });
  afterAll(() => client.close());
  // The messages of one simple-protocol query, as the embedded store returns them.
  const messagesOf = async (text: string) => {
    const query = Buffer.concat([Buffer.from("Q"), Buffer.alloc(4), Buffer.from(`${text}\0`)]);
    query.writeInt32BE(query.length - 1, 1);
    return { messages: await client.execProtocolStream(new Uint8Array(query)), parsers: client.parsers };
  };
  const ownParsers = { [types.TIMESTAMPTZ]: (value: string) => `at ${value}`, [types.INT8]: (value: string) => BigInt(value) };

  it("reads rows, types and nulls as PGlite's own reader does, with and without a call's parsers", async () => {
    const { messages, parsers } = await messagesOf(
      `select 1::int8 as big, 2.50::numeric as amount, 1.5::float8 as ratio, true as yes, null::text as nothing,
        '2026-11-30T08:00:00Z'::timestamptz as at, '2026-11-30'::date as day, '{"门店": [1, "二"]}'::jsonb as data, '{"a": 1}'::json as raw,
        array['a', null, 'c"q'] as labels, array[1, 2]::int4[] as counts, array['0b2f9e1c-6f1e-4c3e-9a53-8f0a3c1d2e4f']::uuid[] as ids,
        '\\x0102'::bytea as bytes, 'x' as a from generate_series(1, 3)`,
    );
    for (const options of [undefined, { rowMode: "array" as const }, { parsers: ownParsers }, { rowMode: "array" as const, parsers: ownParsers }]) {
      const ours = readResults(undefined, messages, parsers, options);
      const theirs = parse.parseResults(messages, parsers, options)[0]!;
      expect(ours).toEqual({ rows: theirs.rows, fields: theirs.fields, affectedRows: theirs.affectedRows });
      expect(ours.rows).toHaveLength(3);
    }
  });

  it("counts what an insert, update or delete touched, and takes a prepared statement's description", async () => {
    for (const [text, count] of [
      ["insert into counted select generate_series(1, 4)", 4],
      ["with x as (insert into counted values (1), (2) returning id) select id from x", 0],
      ["update counted set id = id where false", 0],
    ] as const) {
      const { messages, parsers } = await messagesOf(text);
      expect(readResults(undefined, messages, parsers, undefined).affectedRows).toBe(count);
    }
    const { messages, parsers } = await messagesOf("select 7 as n");
    const description = messages.find((m) => m.name === "rowDescription");
    const rows = messages.filter((m) => m.name !== "rowDescription");
    expect(readResults(description, rows, parsers, undefined).rows).toEqual([{ n: 7 }]);
  });
});
