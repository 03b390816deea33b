import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase } from "./database";
import { StorageError } from "../storage.errors";

const dirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "siyu-pglite-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("embedded PGlite data folder", () => {
  it("refuses a second opener while the first holds the folder, and opens again after close", async () => {
    const dir = tempDir();
    const first = await openDatabase({ kind: "pglite", dataDir: dir });
    await expect(openDatabase({ kind: "pglite", dataDir: dir })).rejects.toMatchObject({
      code: "storage.data_dir_locked",
    });
    await expect(openDatabase({ kind: "pglite", dataDir: dir })).rejects.toBeInstanceOf(StorageError);
    await first.close();
    const second = await openDatabase({ kind: "pglite", dataDir: dir });
    expect(await second.ping()).toBe(true);
    await second.close();
  });

  it("keeps every acknowledged write across kill -9 and reopens the folder each time", async () => {
    const dir = tempDir();
    const writer = fileURLToPath(new URL("./fixtures/ack-writer.ts", import.meta.url));
    let lastAck = 0;
    for (let round = 0; round < 3; round++) {
      lastAck = Math.max(lastAck, await runAndKill(writer, dir, 40 + round * 25));
    }
    expect(lastAck).toBeGreaterThan(0);
    const database = await openDatabase({ kind: "pglite", dataDir: dir });
    const result = (await database.db.execute(sql`select count(*)::int as n, max(n) as top from crash_acks`)) as unknown as {
      rows: { n: number; top: number }[];
    };
    await database.close();
    const row = result.rows[0]!;
    // Every acknowledged row is there, with no gaps: rows are numbered 1..top.
    expect(row.top).toBeGreaterThanOrEqual(lastAck);
    expect(row.n).toBe(row.top);
  }, 180_000);
});

/** Starts the writer, kills it with SIGKILL after `acks` acknowledgements, returns the last ack seen. */
function runAndKill(writer: string, dir: string, acks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", writer, dir], { stdio: ["ignore", "pipe", "pipe"] });
    let last = 0;
    let seen = 0;
    let buffer = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (!match) continue;
        last = Number(match[1]);
        if (++seen === acks) child.kill("SIGKILL");
      }
    });
    child.on("exit", (_code, signal) => {
      if (signal === "SIGKILL") resolve(last);
      else reject(new Error(`writer exited without being killed: ${stderr}`));
    });
  });
}
