import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openWarehouse } from "./warehouse";

describe("DuckDB warehouse", () => {
  it("applies each migration once and keeps data across reopen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "siyu-wh-"));
    try {
      const first = await openWarehouse({ dataDir: dir });
      const applied = await first.migrate();
      expect(applied.length).toBeGreaterThan(0);
      expect(await first.migrate()).toEqual([]);
      await first.run("insert into siyu_meta (key, value) values ($1, $2)", ["probe", "42"]);
      await first.close();

      const second = await openWarehouse({ dataDir: dir });
      expect(await second.migrate()).toEqual([]);
      const rows = await second.query<{ value: string }>("select value from siyu_meta where key = $1", ["probe"]);
      expect(rows).toEqual([{ value: "42" }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serialises concurrent queries on its one connection", async () => {
    const warehouse = await openWarehouse({ dataDir: null });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => warehouse.query<{ n: number }>(`select ${i}::int as n`)),
    );
    expect(results.map((r) => r[0]?.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await warehouse.ping()).toBe(true);
    await warehouse.close();
    expect(await warehouse.ping()).toBe(false);
  });
});
