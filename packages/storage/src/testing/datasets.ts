import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The public data sets tests and benchmarks read (see ../shared/datasets/README.md beside the
 * repository): $SIYU_DATASETS, else the first `shared/datasets` found walking up from here — so a
 * checkout in /work/main and a worktree in /work/wt-x both find /work/shared/datasets. Undefined
 * when there is none (a clone elsewhere): tests that need a data set then skip and say why.
 */
export function findSharedDatasets(): string | undefined {
  const fromEnv = process.env.SIYU_DATASETS;
  if (fromEnv && existsSync(fromEnv)) return resolve(fromEnv);
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "shared", "datasets");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A data set file (path relative to the datasets folder), or undefined with the reason printed. */
export function datasetFile(relative: string): string | undefined {
  const root = findSharedDatasets();
  const file = root ? join(root, relative) : undefined;
  if (!file || !existsSync(file)) {
    console.warn(`skipping: ${relative} not found (set SIYU_DATASETS or place shared/datasets beside the repository)`);
    return undefined;
  }
  return file;
}
