import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { openTestDatabase, planOf, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "./domain-error";
import { createGroupCommitter, type CallOutcome, type GroupWork } from "./group-commit";
import { rows } from "./sql-rows";

/**
 * The group committer on a real store: calls written as rows of a scratch table, each call a key.
 * A key starting with "refuse" is a refusal the batch answers for that call alone; a key that is
 * already stored makes the set-based INSERT fail (the fallback's case).
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
  await database.db.execute(sql`create table group_commit_test (k text primary key, batch int not null)`);
});
afterAll(async () => {
  await database?.close();
});

let batchNo = 0;
function work(hooks: { inBatch?: () => Promise<void> } = {}): GroupWork<string, string> {
  return {
    async batch(tx, keys) {
      const n = ++batchNo;
      const outcomes: CallOutcome<string>[] = keys.map((k) => (k.startsWith("refuse") ? { ok: false, error: new DomainError("test.refused", k, 422) } : { ok: true, value: `${k}@${n}` }));
      const written = keys.filter((k) => !k.startsWith("refuse"));
      if (written.length > 0) {
        await tx.execute(sql`insert into group_commit_test (k, batch) select k, ${n} from jsonb_array_elements_text(${JSON.stringify(written)}::jsonb) k`);
      }
      await hooks.inBatch?.();
      return outcomes;
    },
    async one(tx, k) {
      if (k.startsWith("refuse")) throw new DomainError("test.refused", k, 422);
      await tx.execute(sql`insert into group_commit_test (k, batch) values (${k}, 0)`);
      return `${k}@alone`;
    },
  };
}

const stored = async (db: Db, prefix: string) =>
  (await rows<{ k: string }>(db, sql`select k from group_commit_test where k like ${`${prefix}%`} order by k`)).map((r) => r.k);
const settle = (calls: Promise<string>[]) => Promise.allSettled(calls).then((r) => r.map((x) => (x.status === "fulfilled" ? x.value : (x.reason as DomainError).code ?? String(x.reason))));

describe(`group commit (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("runs concurrent calls in shared transactions of at most maxBatch, each caller answered with its own result", async () => {
    const committer = createGroupCommitter(database.db, work(), { maxBatch: 20 });
    const keys = Array.from({ length: 50 }, (_, i) => `a-${String(i).padStart(2, "0")}`);
    const answers = await Promise.all(keys.map((k) => committer.submit(k)));
    expect(answers.map((a) => a.split("@")[0])).toEqual(keys);
    const stats = committer.stats();
    expect(stats).toMatchObject({ calls: 50, batches: 3, fallbacks: 0, largestBatch: 20 });
    expect(await stored(database.db, "a-")).toEqual(keys);
  });

  it("while a batch runs, later calls wait and go together into the next one", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    const committer = createGroupCommitter(database.db, work({ inBatch: async () => (first ? ((first = false), await gate) : undefined) }));
    const leading = committer.submit("b-0");
    await new Promise((r) => setTimeout(r, 50));
    const following = Array.from({ length: 10 }, (_, i) => committer.submit(`b-${i + 1}`));
    await new Promise((r) => setTimeout(r, 50));
    release();
    const answers = await Promise.all([leading, ...following]);
    const batches = new Set(answers.slice(1).map((a) => a.split("@")[1]));
    expect(batches.size).toBe(1);
    expect(answers[0]!.split("@")[1]).not.toBe([...batches][0]);
    expect(committer.stats()).toMatchObject({ calls: 11, batches: 2 });
  });

  it("answers no caller before its batch has committed", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const committer = createGroupCommitter(database.db, work({ inBatch: () => gate }));
    let answered = false;
    const call = committer.submit("c-0").then((v) => ((answered = true), v));
    await new Promise((r) => setTimeout(r, 50));
    // The row is written inside the open transaction; the caller has heard nothing, and no one else sees it.
    expect(answered).toBe(false);
    if (database.label === "postgres") expect(await stored(database.db, "c-")).toEqual([]);
    release();
    await call;
    expect(await stored(database.db, "c-")).toEqual(["c-0"]);
  });

  it("a call's refusal rejects that caller alone; the rest of its batch commits", async () => {
    const committer = createGroupCommitter(database.db, work());
    const answers = await settle(["d-0", "refuse-d", "d-1"].map((k) => committer.submit(k)));
    expect(answers).toEqual([expect.stringMatching(/^d-0@\d+$/), "test.refused", expect.stringMatching(/^d-1@\d+$/)]);
    expect(await stored(database.db, "d-")).toEqual(["d-0", "d-1"]);
    expect(committer.stats().fallbacks).toBe(0);
  });

  it("when the set-based batch throws, the calls run one by one in savepoints: the bad one fails alone", async () => {
    await database.db.execute(sql`insert into group_commit_test (k, batch) values ('e-taken', -1)`);
    const committer = createGroupCommitter(database.db, work());
    const answers = await settle(["e-0", "e-taken", "refuse-e", "e-1"].map((k) => committer.submit(k)));
    expect(answers[0]).toBe("e-0@alone");
    expect(answers[1]).toMatch(/duplicate key|unique|23505|Failed query/i);
    expect(answers.slice(2)).toEqual(["test.refused", "e-1@alone"]);
    expect(await stored(database.db, "e-")).toEqual(["e-0", "e-1", "e-taken"]);
    expect(committer.stats()).toMatchObject({ calls: 4, fallbacks: 1 });
    expect(committer.stats().lastFallback).toBeTruthy();
  });

  it("with two lanes, a member's calls stay together in one lane and, on a server, two batches run at once", async () => {
    let inside = 0;
    let most = 0;
    const slow = work({
      inBatch: async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 100));
        inside -= 1;
      },
    });
    const committer = createGroupCommitter(database.db, { ...slow, laneKey: (k) => k.split("-")[1]! }, { maxBatch: 500, lanes: 2 });
    const members = ["ann", "bo", "cy", "di", "ed", "fay"];
    const keys = members.flatMap((m) => Array.from({ length: 5 }, (_, i) => `l-${m}-${i}`));
    const answers = await Promise.all(keys.map((k) => committer.submit(k)));
    const batchOf = new Map(answers.map((a) => a.split("@") as [string, string]));
    for (const m of members) expect(new Set(keys.filter((k) => k.startsWith(`l-${m}-`)).map((k) => batchOf.get(k))).size).toBe(1);
    // Both lanes had calls: two batches, each committed.
    expect(committer.stats()).toMatchObject({ calls: 30, batches: 2, fallbacks: 0 });
    expect(await stored(database.db, "l-")).toEqual([...keys].sort());
    // The embedded store's one connection runs them one after the other; a server's pool side by side.
    expect(most).toBe(process.env.DATABASE_URL_TEST ? 2 : 1);
  });

  it("a set-based batch may keep generic plans for its statements; everything else is planned per run", async () => {
    const mode = async (db: Db) => (await rows<{ plan_cache_mode: string }>(db, sql`show plan_cache_mode`))[0]!.plan_cache_mode;
    const seen: string[] = [];
    const committer = createGroupCommitter(database.db, {
      batch: async (tx, keys) => (seen.push(await mode(tx)), keys.map((k) => ({ ok: true, value: k }))),
      one: async (tx, k) => (seen.push(await mode(tx)), k),
    });
    await committer.submit("m-0");
    expect(seen).toEqual(["auto"]);
    expect(await mode(database.db)).toBe("force_custom_plan");
  });

  it("a set-based batch plans an index probe for keys even while the table is empty; other statements scan it", async () => {
    // A batch's plan may be kept while the table grows (a new workspace, a table analyzed empty): it must not be a scan.
    await database.db.execute(sql`create table group_commit_grown (k text primary key, v int not null)`);
    await database.db.execute(sql`analyze group_commit_grown`);
    const lookup = sql`select v from group_commit_grown where k = any(array(select jsonb_array_elements_text(${JSON.stringify(["g-7", "g-1500"])}::jsonb)))`;
    const plans: string[] = [];
    const committer = createGroupCommitter(database.db, {
      batch: async (tx, keys) => (plans.push(await planOf(tx, lookup)), keys.map((k) => ({ ok: true, value: k }))),
      one: async (_tx, k) => k,
    });
    await committer.submit("m-0");
    expect(plans[0]).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
    expect(plans[0]).not.toMatch(/Seq Scan/);
    // Outside a batch the server's planner scans the empty table, as a kept plan then would at any size
    // (the embedded store probes the index either way).
    if (process.env.DATABASE_URL_TEST) expect(await planOf(database.db, lookup)).toMatch(/Seq Scan on group_commit_grown/);
  });
});
