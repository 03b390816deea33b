import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../postgres/database";

/**
 * A view of `db` that runs every statement as it is and records the planner's plan of it first
 * (`explain`, not executed twice): tests of a function's statements can assert how they reach their
 * rows — an index probe per key rather than a scan of a workspace — without copying its SQL.
 * Only `execute` is watched (the raw statements of the set-based code); transactions are not.
 */
export function recordingPlans(db: Db): { db: Db; plans: string[] } {
  const plans: string[] = [];
  const watched = new Proxy(db, {
    get(target, key, receiver) {
      if (key !== "execute") return Reflect.get(target, key, receiver) as unknown;
      return async (query: SQL) => {
        const explained = (await target.execute(sql`explain ${query}`)) as unknown as { rows: { "QUERY PLAN": string }[] };
        plans.push(explained.rows.map((r) => r["QUERY PLAN"]).join("\n"));
        return target.execute(query);
      };
    },
  });
  return { db: watched, plans };
}
