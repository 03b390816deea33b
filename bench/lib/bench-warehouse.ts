import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWarehouse, type Warehouse } from "@siyu/storage";

/**
 * The warehouse a benchmark loads and queries, migrated: `file` (the default) is a DuckDB file in
 * a fresh temporary folder, as the server keeps it, removed by `dispose`; `memory` is an in-memory
 * database (compressed differently, so its figures differ from the server's).
 */
export async function openBenchWarehouse(kind: string): Promise<{ warehouse: Warehouse; label: string; dispose: () => Promise<void> }> {
  if (kind !== "file" && kind !== "memory") throw new Error(`--warehouse must be file or memory, not ${kind}`);
  const dir = kind === "file" ? mkdtempSync(join(tmpdir(), "siyu-bench-wh-")) : null;
  const warehouse = await openWarehouse({ dataDir: dir });
  await warehouse.migrate();
  return {
    warehouse,
    label: dir ? `DuckDB file in ${dir}` : "DuckDB in memory",
    dispose: async () => {
      await warehouse.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
