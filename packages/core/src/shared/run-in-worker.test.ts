import { describe, expect, it } from "vitest";
import { runInWorker } from "./run-in-worker";

const BUSY = new URL("./testing/busy.worker.ts", import.meta.url);

describe("runInWorker", () => {
  it("keeps this thread's event loop turning while the work runs, and brings back its answer", async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    const at = new Date("2026-11-29T00:00:00Z");
    const answer = await runInWorker<{ ms: number; at: Date }, { spun: number; at: Date }>(BUSY, { ms: 600, at });
    clearInterval(timer);
    expect(answer).toEqual({ spun: 600, at });
    // 600 ms of spinning on the main thread would have let no timer fire at all.
    expect(ticks).toBeGreaterThan(10);
  });

  it("rejects with the worker's error", async () => {
    await expect(runInWorker(BUSY, { ms: 1, fail: true, at: new Date() })).rejects.toThrow("asked to fail");
  });
});
