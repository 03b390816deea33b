import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../postgres/database";

/** A statement a function ran and the planner's plan of it. */
export interface RecordedPlan {
  sql: string;
  plan: string;
}

/** The planner's plan of a statement (`explain`, not executed), as text. */
export async function planOf(db: Db, statement: SQL): Promise<string> {
  const explained = (await db.execute(sql`explain ${statement}`)) as unknown as { rows: { "QUERY PLAN": string }[] };
  return explained.rows.map((r) => r["QUERY PLAN"]).join("\n");
}

/**
 * A view of `db` that runs every statement as it is and records the planner's plan of it first
 * (`explain`, not executed twice): tests of a function's statements can assert how they reach their
 * rows — an index probe per key rather than a scan of a workspace — without copying its SQL.
 * `execute` is watched, inside transactions too (the raw statements of the set-based code).
 */
export function recordingPlans(db: Db): { db: Db; plans: RecordedPlan[] } {
  const plans: RecordedPlan[] = [];
  const textOf = (query: SQL) => (db as unknown as { dialect: { sqlToQuery(q: SQL): { sql: string } } }).dialect.sqlToQuery(query).sql;
  const watch = (target: Db): Db =>
    new Proxy(target, {
      get(t, key, receiver) {
        if (key === "execute") {
          return async (query: SQL) => {
            plans.push({ sql: textOf(query), plan: await planOf(t, query) });
            return t.execute(query);
          };
        }
        if (key === "transaction") return (work: (tx: Db) => Promise<unknown>, config?: unknown) => t.transaction((tx) => work(watch(tx as unknown as Db)), config as never);
        return Reflect.get(t, key, receiver) as unknown;
      },
    });
  return { db: watch(db), plans };
}
