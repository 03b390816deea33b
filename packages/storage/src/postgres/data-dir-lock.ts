import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { StorageError } from "../storage.errors";

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * PGlite is one Postgres backend inside one process: two processes writing one data
 * folder corrupt it. The lock file holds the owner's pid; a lock left by a dead
 * process (kill -9) is taken over, a live one refuses the second process.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, "siyu.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            unlinkSync(path);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(path);
      if (owner && owner.host === hostname() && isAlive(owner.pid)) {
        throw new StorageError(
          "storage.data_dir_locked",
          `The data folder ${dataDir} is in use by process ${owner.pid} (started ${owner.startedAt}). ` +
            "Stop that process first, or set SIYU_DATA_DIR to another folder.",
        );
      }
      if (owner && owner.host !== hostname()) {
        throw new StorageError(
          "storage.data_dir_locked",
          `The data folder ${dataDir} is locked by host ${owner.host}. Remove ${path} only if no Siyu runs there.`,
        );
      }
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        // another process took it over first; the next attempt tells
      }
    }
  }
  throw new StorageError("storage.data_dir_locked", `Could not lock the data folder ${dataDir}.`);
}

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    if (typeof parsed.pid !== "number" || typeof parsed.host !== "string") return null;
    return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? "?") };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
