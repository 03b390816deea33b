import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

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
  },
});
