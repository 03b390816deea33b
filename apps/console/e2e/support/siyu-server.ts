import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSiyu, type RunningSiyu } from "@siyu/server";

export interface TestSiyuOptions {
  /** Names the temporary data folder: siyu-<name>-e2e-…, removed again by close(). */
  name: string;
  /** The demo brand: false (default) when a test counts what it sent itself. */
  demo?: boolean;
  demoMembers?: number;
}

export interface InitialOwner {
  email: string;
  password: string;
  workspaceId: string;
}

export interface TestSiyu {
  siyu: RunningSiyu;
  /** The temporary data folder (a test may write its own files here too). */
  dataDir: string;
  owner: InitialOwner;
  /** Stops Siyu and removes its data folder. */
  close(): Promise<void>;
}

/** One Siyu process on a free port of 127.0.0.1, on a fresh data folder, silent. */
export async function startTestSiyu({ name, demo = false, demoMembers }: TestSiyuOptions): Promise<TestSiyu> {
  const dataDir = mkdtempSync(join(tmpdir(), `siyu-${name}-e2e-`));
  let siyu: RunningSiyu | undefined;
  const close = async () => {
    await siyu?.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    siyu = await startSiyu({ port: 0, host: "127.0.0.1", dataDir, demo, ...(demoMembers === undefined ? {} : { demoMembers }), log: false });
    if (!siyu.initialOwner) throw new Error("a fresh data folder must yield the initial owner's credentials");
    const { email, password, workspaceId } = siyu.initialOwner;
    return { siyu, dataDir, owner: { email, password, workspaceId }, close };
  } catch (error) {
    await close();
    throw error;
  }
}
