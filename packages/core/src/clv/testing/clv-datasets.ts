/** Test helpers: where the public data sets are, and the CDNOW sample as transactions. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dayNumberOf, type ClvTransaction } from "../rfm-summary";

/**
 * The shared data sets folder: $SIYU_DATASETS, or the first `shared/datasets` found walking up
 * from this file (it sits beside the repository: ../shared/datasets from a checkout in /work/main,
 * ../shared/datasets from a worktree in /work/wt-*). Undefined when there is none.
 */
export function findSharedDatasets(): string | undefined {
  const fromEnv = process.env.SIYU_DATASETS;
  if (fromEnv && existsSync(fromEnv)) return resolve(fromEnv);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "shared", "datasets");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** A data set file, or undefined (with the reason printed) when it is not on this machine. */
export function datasetFile(relative: string): string | undefined {
  const root = findSharedDatasets();
  const file = root ? join(root, relative) : undefined;
  if (!file || !existsSync(file)) {
    console.warn(`skipping: ${relative} not found (set SIYU_DATASETS or place shared/datasets beside the repository)`);
    return undefined;
  }
  return file;
}

/** cdnow_sample.csv: master_customer_id,customer_id,date,quantity,amount_usd. */
export function readCdnowSample(file: string): ClvTransaction[] {
  const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
  return lines.map((line) => {
    const f = line.split(",");
    return { customerId: f[1]!, day: dayNumberOf(f[2]!)!, amount: Number(f[4]) };
  });
}

export const CDNOW_SAMPLE = "cdnow/cdnow_sample.csv";
export const CDNOW_MASTER = "cdnow/cdnow_master.csv";
