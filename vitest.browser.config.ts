import { defineConfig } from "vitest/config";

/**
 * Console end-to-end tests: the built console served by an in-process Siyu server,
 * driven through the system Chromium (playwright-core never downloads a browser).
 */
export default defineConfig({
  test: {
    include: ["apps/console/e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // Files share one module graph (vitest.config.ts says why): the import went from 75 s to 7 s.
    isolate: false,
    // Fails a file that leaves process.env or a global changed for the files after it.
    setupFiles: ["./vitest.setup.ts"],
    pool: "forks",
    reporters: ["default"],
  },
});
