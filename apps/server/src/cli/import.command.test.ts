import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditListQuery } from "@siyu/contracts";
import { createCoreServices, DEFAULT_ACCESS_SETTINGS, SYSTEM_ACTOR, systemClock, type CoreServices } from "@siyu/core";
import { createServerTestDatabase, testServerUrl } from "@siyu/storage/testing";
import { openStores } from "../compose";
import { parseConfig } from "../config";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../bin/siyu.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "siyu-import-cli-"));
const dataDir = join(dir, "data");
let env: NodeJS.ProcessEnv;
let drop = async () => {};
let workspaceId = "";

/** The store, opened in this process between CLI runs (the embedded one admits one process at a time). */
async function withStore<T>(work: (services: CoreServices) => Promise<T>): Promise<T> {
  const { database, warehouse } = await openStores(parseConfig({ dataDir, databaseUrl: env.DATABASE_URL || undefined }));
  try {
    return await work(createCoreServices({ db: database.db, clock: systemClock, settings: { access: DEFAULT_ACCESS_SETTINGS } }));
  } finally {
    await warehouse.close();
    await database.close();
  }
}

beforeAll(async () => {
  env = { ...process.env, SIYU_DATA_DIR: dataDir, SIYU_LOG_LEVEL: "silent", DATABASE_URL: "" };
  const server = testServerUrl();
  if (server) {
    const target = await createServerTestDatabase(server);
    env.DATABASE_URL = target.url;
    drop = target.drop;
  }
  workspaceId = await withStore(async (services) => (await services.workspaces.create({ name: "Import CLI brand", timezone: "Asia/Shanghai", currency: "CNY" }, SYSTEM_ACTOR)).id);
});
afterAll(async () => {
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

function siyu(...args: string[]) {
  return run(process.execPath, [bin, ...args], { env, timeout: 60_000 });
}

describe("siyu import", () => {
  it("imports a file with a progress bar, reports and writes row errors, and adds nothing the second time", async () => {
    const file = join(dir, "members.csv");
    const rows = Array.from({ length: 2500 }, (_, i) => `CLI-${i},1380000${String(i).padStart(4, "0")},会员${i},${i % 2 ? "男" : "女"}`);
    rows[9] = "CLI-9,12345,坏号码,男";
    rows[20] = "CLI-20,13800009999,,robot";
    writeFileSync(file, `user_id,phone,name,gender\n${rows.join("\n")}\n`);
    const errorsCsv = join(dir, "errors.csv");

    const first = await siyu("import", "profiles", "--file", file, "--workspace", workspaceId, "--errors-csv", errorsCsv);
    // Not a terminal: one progress line per batch of 1,000 rows, then the final one at 100 %.
    const progress = first.stderr.split("\n").filter((l) => l.includes("rows/s"));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toMatch(/^\[#{30}\] 100% {2}2,500 rows {2}[\d,]+ rows\/s$/);
    expect(first.stderr).toContain("Profiles up to date");
    expect(first.stdout).toContain("Imported profiles from members.csv into Import CLI brand:");
    expect(first.stdout).toMatch(/accepted\s+2,498/);
    expect(first.stdout).toMatch(/rejected\s+2/);
    expect(first.stdout).toContain("line 11, phone: is not a valid phone number");
    expect(first.stdout).toContain("line 22, gender: must be male, female or unknown (男/女)");
    expect(readFileSync(errorsCsv, "utf8")).toBe(
      '\uFEFFline,field,reason\r\n11,phone,is not a valid phone number\r\n22,gender,"must be male, female or unknown (男/女)"\r\n',
    );

    const second = await siyu("import", "profiles", "--file", file, "--workspace", workspaceId);
    expect(second.stdout).toMatch(/accepted\s+0\n\s+duplicates\s+2,498\n\s+rejected\s+2/);

    await withStore(async (services) => {
      const ctx = { workspaceId, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
      const page = await services.profiles.list(ctx, { limit: 1, q: "CLI-2499" }, await services.identity.settings(workspaceId));
      expect(page.items[0]).toMatchObject({ name: "会员2499", phone: "+8613800002499" });
      const audit = (await services.audit.list(ctx, AuditListQuery.parse({ action: "import.profiles" }))).items;
      expect(audit.map((e) => [e.actorName, e.summary])).toEqual([
        ["cli", "Imported profiles from members.csv: 2500 rows, 0 accepted, 2498 duplicates, 2 rejected"],
        ["cli", "Imported profiles from members.csv: 2500 rows, 2498 accepted, 0 duplicates, 2 rejected"],
      ]);
    });
  });

  it("exits 2 for bad arguments, an unknown workspace or an unusable header", async () => {
    await expect(siyu("import", "people", "--workspace", "x")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/profiles or orders[\s\S]*--file: the CSV file to import is required/),
    });
    await expect(siyu("import", "orders", "--file", join(dir, "nope.csv"))).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--file: cannot read[\s\S]*--workspace: the workspace id or slug is required/),
    });
    const headerless = join(dir, "orders.csv");
    writeFileSync(headerless, "order_id,total,ordered_at\n1,2,2026-11-01\n");
    await expect(siyu("import", "orders", "--file", headerless, "--workspace", "no-such-brand")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("No such workspace"),
    });
    await expect(siyu("import", "orders", "--file", headerless, "--workspace", workspaceId)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("has no user_id column"),
    });
  });
});
