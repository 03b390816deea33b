import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The `siyu` command, run as operators run it. */
export const SIYU_BIN = fileURLToPath(new URL("../../bin/siyu.js", import.meta.url));

export interface ServerProcess {
  readonly pid: number;
  /** Resolves with the exit code or signal once the process is gone (and reaped). */
  readonly exited: Promise<string>;
  /** Everything it wrote, for the failure message. */
  output(): string;
  kill9(): Promise<string>;
  /** SIGTERM: the CLI closes HTTP, the worker and the stores, then exits. */
  stop(timeoutMs?: number): Promise<string>;
}

/** Runs `siyu start` in a child process with the given environment (the only way it is configured). */
export function spawnServer(env: NodeJS.ProcessEnv, cwd: string): ServerProcess {
  const child: ChildProcess = spawn(process.execPath, [SIYU_BIN, "start"], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve(signal ?? `exit ${code}`));
  });
  return {
    pid: child.pid!,
    exited,
    output: () => output,
    async kill9() {
      child.kill("SIGKILL");
      return exited;
    },
    async stop(timeoutMs = 30_000) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Polls /readyz until both stores answer; fails early when the process dies. On the embedded store
 * the readiness query waits its turn behind the worker's and the senders' transactions, so each
 * request is given time to be answered: a client that gave up after a second or two would leave its
 * query queued and send another, and under load the queue of abandoned pings never drains.
 */
export async function waitUntilReady(url: string, server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  let gone: string | null = null;
  void server.exited.then((how) => (gone = how));
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (gone) throw new Error(`siyu start exited (${gone}) before it was ready:\n${server.output()}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(Math.max(1_000, Math.min(15_000, deadline - Date.now()))) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      // not listening yet
      last = String((error as Error).cause ?? error);
    }
    await sleep(50);
  }
  // /healthz needs no store: when it answers and /readyz does not, a store is blocked, not down.
  const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
    (res) => `${res.status}`,
    (error: unknown) => String(error),
  );
  throw new Error(`siyu start was not ready after ${timeoutMs} ms (/readyz: ${last}; /healthz: ${health}):\n${server.output()}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * POSTs until the server gives an answer other than a 5xx or 429, the way a client retries across
 * kills: a refused or reset connection (the server is down or was killed mid-request) and a 5xx /
 * 429 are tried again after 50 ms, with the same body. `attempted` is called for every attempt,
 * `failed` for every one tried again; more than `maxDown` refused connections end the test.
 */
export async function postUntilAnswered(
  url: string,
  request: { headers: Record<string, string>; body: string; timeoutMs: number },
  counts: { attempted(): void; failed(): void; maxDown: number },
): Promise<{ res: Response; attempt: number }> {
  for (let attempt = 1; ; attempt++) {
    counts.attempted();
    let res: Response;
    try {
      res = await fetch(url, { method: "POST", headers: request.headers, body: request.body, signal: AbortSignal.timeout(request.timeoutMs) });
    } catch {
      counts.failed();
      if (attempt > counts.maxDown) throw new Error("the server did not come back");
      await sleep(50);
      continue;
    }
    if (res.status >= 500 || res.status === 429) {
      counts.failed();
      await res.body?.cancel();
      await sleep(50);
      continue;
    }
    return { res, attempt };
  }
}
