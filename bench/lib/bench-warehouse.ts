import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWarehouse, type Warehouse } from "@siyu/storage";

export interface BenchWarehouse {
  warehouse: Warehouse;
  label: string;
  /** True when a kept folder already holds the data described by `data`: skip the load. */
  loaded: boolean;
  /** Records that the data is loaded (for a kept folder; nothing otherwise). */
  markLoaded: () => void;
  dispose: () => Promise<void>;
}

/**
 * The warehouse a benchmark loads and queries, migrated: `file` (the default) is a DuckDB file in
 * a fresh temporary folder, as the server keeps it, removed by `dispose`; `memory` is an in-memory
 * database (compressed differently, so its figures differ from the server's); `keep:DIR` a DuckDB
 * file in DIR kept after the run, loaded once for the same `data` (a description of the generated
 * data: sizes, seed …) so that later runs skip the load (minutes at 20M events).
 */
export async function openBenchWarehouse(kind: string, data = ""): Promise<BenchWarehouse> {
  const kept = kind.startsWith("keep:") ? kind.slice("keep:".length) : null;
  if (kind !== "file" && kind !== "memory" && !kept) throw new Error(`--warehouse must be file, memory or keep:DIR, not ${kind}`);
  if (kept && data === "") throw new Error("This benchmark does not reuse a kept warehouse: use file or memory");
  const dir = kept ?? (kind === "file" ? mkdtempSync(join(tmpdir(), "siyu-bench-wh-")) : null);
  if (kept) mkdirSync(kept, { recursive: true });
  const marker = kept ? join(kept, "bench-data.txt") : null;
  const held = marker && existsSync(marker) ? readFileSync(marker, "utf8") : null;
  if (held !== null && held !== data) throw new Error(`${kept} holds other data (${held}); remove it or use another folder`);
  const warehouse = await openWarehouse({ dataDir: dir });
  await warehouse.migrate();
  return {
    warehouse,
    label: kept ? `DuckDB file kept in ${kept}` : dir ? `DuckDB file in ${dir}` : "DuckDB in memory",
    loaded: held !== null,
    markLoaded: () => {
      if (marker) writeFileSync(marker, data);
    },
    dispose: async () => {
      await warehouse.close();
      if (dir && !kept) rmSync(dir, { recursive: true, force: true });
    },
  };
}
