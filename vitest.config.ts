import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take half a minute or more on a two-core machine (CI's artifacts/ci/unit-pglite.json
 * has each file's time): the crash tests, which start and kill a server child again and again (70–110 s
 * each), the CLI's (50–90 s), the kill test of the warehouse loader, the property and data-set tests
 * (30–60 s) and the HTTP fuzz and audit sweeps. They start first, so that no worker is left running one
 * of them alone at the end: on a clean clone Vitest knows no file's time and starts the largest files
 * first, which started the CLI's test at 582 s of a 761-second run.
 */
const SLOW_FILES = [/\/crash\//, /\/cli\//, /\.kill\.test\.ts$/, /taobao/, /\.property\.test\.ts$/, /audit-coverage|fuzz/];

class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const at = SLOW_FILES.findIndex((pattern) => pattern.test(file.moduleId));
      return at === -1 ? SLOW_FILES.length : at;
    };
    // Stable: within a rank, Vitest's own order (its known times, else size).
    return sorted.map((file, at) => ({ file, at, rank: rank(file) })).sort((a, b) => a.rank - b.rank || a.at - b.at).map((x) => x.file);
  }
}

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "apps/server/src/**/*.test.ts", "apps/console/src/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One test file per core. Vitest's default leaves a core free for itself, which on a
    // two-core machine runs the suites one file at a time; its own work is small beside a file's
    // (each opens its own embedded store), so every core runs a file.
    maxWorkers: availableParallelism(),
    // A worker runs its files one after another in one module graph instead of importing the
    // application (the ORM, the stores' drivers, PGlite's WebAssembly) afresh for each: the suite on
    // PGlite took 675 s instead of 1,028 s. Files share modules, not state: each opens its own store,
    // and a file that changes something global (process.env.TZ, a stubbed fetch) puts it back.
    isolate: false,
    // Fails a file that leaves process.env or a global changed for the files after it.
    setupFiles: ["./vitest.setup.ts"],
    reporters: ["default"],
    sequence: { sequencer: SlowFilesFirst },
  },
});
