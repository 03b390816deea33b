import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { sql } from "drizzle-orm";
import pg from "pg";
import { MIGRATIONS_FOLDER } from "./database";
import { createServerTestDatabase, testServerUrl } from "../testing/test-database";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the migrations folder whose journal stops before the migration tagged `firstLeftOut`. */
function migrationsUpTo(firstLeftOut: string): string {
  const dir = mkdtempSync(join(tmpdir(), "siyu-migrations-"));
  dirs.push(dir);
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === firstLeftOut);
  expect(cut).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return dir;
}

type Rows = { rows: Record<string, unknown>[] };

/** The store under test: PGlite in memory, or a fresh database on the test server when DATABASE_URL_TEST is set. */
async function openBare() {
  const serverUrl = testServerUrl();
  if (!serverUrl) {
    const client = await PGlite.create();
    const db = drizzlePglite(client);
    return {
      label: "pglite",
      execute: (query: ReturnType<typeof sql>) => db.execute(query) as unknown as Promise<Rows>,
      migrate: (folder: string) => migratePglite(db, { migrationsFolder: folder }),
      close: () => client.close(),
    };
  }
  const target = await createServerTestDatabase(serverUrl);
  const pool = new pg.Pool({ connectionString: target.url, max: 2 });
  const db = drizzlePg(pool);
  return {
    label: "postgres",
    execute: (query: ReturnType<typeof sql>) => db.execute(query) as unknown as Promise<Rows>,
    migrate: (folder: string) => migratePg(db, { migrationsFolder: folder }),
    close: async () => {
      await pool.end();
      await target.drop();
    },
  };
}

describe("the workspace_settings migrations", () => {
  it("move every module's settings rows into workspace_settings, in order, and drop the old tables", async () => {
    const store = await openBare();
    try {
      await store.migrate(migrationsUpTo("0009_workspace_settings"));
      const ws = randomUUID();
      const other = randomUUID();
      const at = "2026-11-01T08:00:00Z";
      const old = [
        ["clv_settings", ws, { unit: "day", minCustomers: 100 }],
        ["identity_settings", ws, { defaultPhoneRegion: "HK" }],
        ["scores_settings", ws, { rfm: { windowDays: 180 } }],
        ["segment_settings", ws, { catalogueLookbackDays: 30 }],
        ["tag_settings", ws, { recomputeIntervalMinutes: 60 }],
        ["tag_settings", other, { recomputeIntervalMinutes: 120 }],
      ] as const;
      for (const [table, workspaceId, settings] of old) {
        await store.execute(
          sql`insert into ${sql.identifier(table)} (workspace_id, settings, updated_at) values (${workspaceId}, ${JSON.stringify(settings)}::jsonb, ${at})`,
        );
      }

      await store.migrate(MIGRATIONS_FOLDER);

      const { rows } = await store.execute(
        sql`select workspace_id, module, settings, updated_at from workspace_settings order by workspace_id = ${ws} desc, module`,
      );
      expect(rows.map((r) => [r.workspace_id, r.module, r.settings, new Date(r.updated_at as string).toISOString()])).toEqual([
        [ws, "clv", { unit: "day", minCustomers: 100 }, new Date(at).toISOString()],
        [ws, "identity", { defaultPhoneRegion: "HK" }, new Date(at).toISOString()],
        [ws, "scores", { rfm: { windowDays: 180 } }, new Date(at).toISOString()],
        [ws, "segments", { catalogueLookbackDays: 30 }, new Date(at).toISOString()],
        [ws, "tags", { recomputeIntervalMinutes: 60 }, new Date(at).toISOString()],
        [other, "tags", { recomputeIntervalMinutes: 120 }, new Date(at).toISOString()],
      ]);
      const left = await store.execute(
        sql`select table_name from information_schema.tables where table_schema = 'public' and table_name like '%settings' order by table_name`,
      );
      expect(left.rows.map((r) => r.table_name), store.label).toEqual(["workspace_settings"]);

      // Safe to run again on every start: nothing re-applied, nothing duplicated.
      await store.migrate(MIGRATIONS_FOLDER);
      const again = await store.execute(sql`select count(*)::int as n from workspace_settings`);
      expect(again.rows[0]!.n).toBe(6);
    } finally {
      await store.close();
    }
  }, 60_000);

  it("move the loyalty settings rows into workspace_settings under \"loyalty\" and drop loyalty_settings", async () => {
    const store = await openBare();
    try {
      await store.migrate(migrationsUpTo("0013_loyalty_settings_copy"));
      const ws = randomUUID();
      const other = randomUUID();
      const at = "2026-11-01T08:00:00Z";
      const loyalty = [
        [ws, { points: { pendingDays: 3 }, earn: { stacking: "multiply" } }],
        [other, { storedValue: { spendOrder: "bonus_first" } }],
      ] as const;
      for (const [workspaceId, settings] of loyalty) {
        await store.execute(sql`insert into loyalty_settings (workspace_id, settings, updated_at) values (${workspaceId}, ${JSON.stringify(settings)}::jsonb, ${at})`);
      }
      // Another module's row of the same workspace is already in workspace_settings and stays.
      await store.execute(
        sql`insert into workspace_settings (workspace_id, module, settings, updated_at) values (${ws}, 'tags', ${JSON.stringify({ recomputeIntervalMinutes: 60 })}::jsonb, ${at})`,
      );

      await store.migrate(MIGRATIONS_FOLDER);

      const { rows } = await store.execute(
        sql`select workspace_id, module, settings, updated_at from workspace_settings order by workspace_id = ${ws} desc, module`,
      );
      expect(rows.map((r) => [r.workspace_id, r.module, r.settings, new Date(r.updated_at as string).toISOString()])).toEqual([
        [ws, "loyalty", loyalty[0][1], new Date(at).toISOString()],
        [ws, "tags", { recomputeIntervalMinutes: 60 }, new Date(at).toISOString()],
        [other, "loyalty", loyalty[1][1], new Date(at).toISOString()],
      ]);
      const left = await store.execute(
        sql`select table_name from information_schema.tables where table_schema = 'public' and table_name like '%settings' order by table_name`,
      );
      expect(left.rows.map((r) => r.table_name), store.label).toEqual(["workspace_settings"]);

      await store.migrate(MIGRATIONS_FOLDER);
      const again = await store.execute(sql`select count(*)::int as n from workspace_settings`);
      expect(again.rows[0]!.n).toBe(3);
    } finally {
      await store.close();
    }
  }, 60_000);
});
