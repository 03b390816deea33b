// A worker for run-in-worker.test.ts: spins for `ms` milliseconds, then answers, or throws when asked.
import { serveWorker } from "../run-in-worker";

serveWorker((input: { ms: number; fail?: boolean; at: Date }) => {
  const until = Date.now() + input.ms;
  while (Date.now() < until) {
    // busy: this is the thread's whole job
  }
  if (input.fail) throw new Error("asked to fail");
  return { spun: input.ms, at: input.at };
});
