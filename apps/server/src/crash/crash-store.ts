import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { createCoreServices, systemClock, type Clock } from "@siyu/core";
import { createServerTestDatabase, testServerUrl } from "@siyu/storage/testing";
import { openStores } from "../compose";
import { parseConfig, type SiyuConfig } from "../config";
import { startSiyu } from "../start";

/**
 * A crash test's folder in the temporary directory (the child's working directory and, on the
 * embedded store, its data folder). Removed after the file's tests, once every cleanup registered
 * in `cleanups` has run (last registered first).
 */
export function crashFolder(name: string): { tmp: string; dataDir: string; cleanups: (() => Promise<void>)[] } {
  const tmp = mkdtempSync(join(tmpdir(), `siyu-${name}-crash-`));
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  });
  return { tmp, dataDir: join(tmp, "data"), cleanups };
}

/**
 * The configuration the killed server runs with: the embedded store in `dataDir`, or — under
 * `npm run test:pg` — a fresh database on the PostgreSQL server, dropped at cleanup.
 */
export async function crashConfig(dataDir: string, cleanups: (() => Promise<void>)[]): Promise<{ config: SiyuConfig; target: { url: string } | null }> {
  const serverUrl = testServerUrl();
  const target = serverUrl ? await createServerTestDatabase(serverUrl) : null;
  if (target) cleanups.push(target.drop);
  return { config: parseConfig({ dataDir, databaseUrl: target?.url, demo: false, logLevel: "silent" }), target };
}

/**
 * The environment of the killed `siyu start`: the test's own (`inherited`) without any Siyu,
 * database, Vitest or Node option, on the crash store at 127.0.0.1:`port`, no demo, silent unless `extra`
 * says otherwise.
 */
export function childEnv(inherited: NodeJS.ProcessEnv, dataDir: string, port: number, target: { url: string } | null, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...inherited };
  for (const name of Object.keys(env)) if (/^(SIYU_|DATABASE_URL|VITEST|NODE_OPTIONS$|PORT$|HOST$)/.test(name)) delete env[name];
  return Object.assign(env, {
    SIYU_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    SIYU_DEMO: "false",
    SIYU_LOG_LEVEL: "silent",
    ...(target ? { DATABASE_URL: target.url } : {}),
    ...extra,
  });
}

/**
 * The crash store's first workspace (made by one start of Siyu), then its stores opened again with
 * services and no worker: what a test writes its set-up through before the killed child runs.
 */
export async function crashWorkspace(config: SiyuConfig, clock: Clock = systemClock) {
  const first = await startSiyu({ ...config, port: 0, host: "127.0.0.1", log: false });
  const workspaceId = first.initialOwner!.workspaceId;
  await first.close();
  const stores = await openStores(config);
  const services = createCoreServices({ db: stores.database.db, clock, settings: { access: config.access } });
  return { workspaceId, stores, services };
}
