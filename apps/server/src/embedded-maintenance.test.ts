import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "@siyu/storage/orm";
import { startSiyu } from "./start";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function reltuples(db: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> }, table: string): Promise<number> {
  const result = (await db.execute(sql`select reltuples::float8 as n from pg_class where relname = ${table}`)) as { rows: { n: number }[] };
  return Number(result.rows[0]!.n);
}

describe("the embedded store's maintenance job", () => {
  it("analyses the embedded store's tables on its schedule, and is not scheduled when turned off", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "siyu-maintenance-"));
    dirs.push(dataDir);
    const on = await startSiyu({ port: 0, host: "127.0.0.1", dataDir, demo: false, log: false });
    try {
      const { db } = on.siyu.database;
      expect(await reltuples(db, "workspaces")).toBe(-1);
      await on.siyu.worker.runOnce("database.embedded_maintenance");
      expect(await reltuples(db, "workspaces")).toBe(1);
    } finally {
      await on.close();
    }
    const off = await startSiyu({ port: 0, host: "127.0.0.1", dataDir, demo: false, log: false, embeddedMaintenanceSeconds: 0 });
    try {
      await expect(off.siyu.worker.runOnce("database.embedded_maintenance")).rejects.toThrow(/No scheduled job/);
    } finally {
      await off.close();
    }
  });
});
