// The first module of a worker thread started by run-in-worker.ts: Siyu's modules are TypeScript,
// run through tsx, and a new thread starts without the main thread's loader.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
