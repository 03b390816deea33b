import { parentPort, Worker } from "node:worker_threads";

/**
 * Runs one call of a pure, CPU-heavy function on a worker thread, so the process's event loop
 * (HTTP, the worker's other loops) keeps turning meanwhile. `moduleUrl` is a `*.worker.ts` module
 * that calls `serveWorker(fn)`. Siyu runs its TypeScript through tsx: the bootstrap registers tsx
 * in the new thread before importing the module. Input and output cross by structured clone
 * (plain data, arrays, Dates). A thread per call: the calls this is for take seconds.
 */
export function runInWorker<I, O>(moduleUrl: URL, input: I): Promise<O> {
  const worker = new Worker(new URL("./worker-bootstrap.mjs", import.meta.url), { workerData: { module: moduleUrl.href } });
  return new Promise<O>((resolve, reject) => {
    worker.once("message", (message: { ok: true; value: O } | { ok: false; error: string }) => {
      if (message.ok) resolve(message.value);
      else reject(new Error(message.error));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`worker ${moduleUrl.pathname} exited (${code}) without an answer`)));
    worker.postMessage(input);
  }).finally(() => void worker.terminate());
}

/** The worker side: answers the one message runInWorker sends with fn's result (or its error). */
export function serveWorker<I, O>(fn: (input: I) => O): void {
  const port = parentPort;
  if (!port) throw new Error("serveWorker runs only on a worker thread");
  port.once("message", (input: I) => {
    try {
      port.postMessage({ ok: true, value: fn(input) });
    } catch (error) {
      port.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
}
