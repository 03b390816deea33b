import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerTestDatabase, testServerUrl } from "@siyu/storage/testing";
import { startSiyu } from "../start";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../bin/siyu.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "siyu-cli-"));
let env: NodeJS.ProcessEnv;
let drop = async () => {};

beforeAll(async () => {
  env = { ...process.env, SIYU_DATA_DIR: dataDir, SIYU_LOG_LEVEL: "silent", DATABASE_URL: "", SIYU_DEMO_MEMBERS: "150" };
  const server = testServerUrl();
  if (server) {
    const target = await createServerTestDatabase(server);
    env.DATABASE_URL = target.url;
    drop = target.drop;
  }
});
afterAll(async () => {
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function siyu(...args: string[]) {
  // Each call starts a Node process that loads the whole server; the demo load is the slowest.
  return run(process.execPath, [bin, ...args], { env, timeout: 180_000 });
}

describe("siyu CLI", () => {
  it("migrate, demo, create-operator work on one store and the demo keeps its members", { timeout: 240_000 }, async () => {
    expect((await siyu("migrate")).stdout).toContain("Migrations applied.");
    const demo = await siyu("demo", "--seed", "7");
    expect(demo.stdout).toMatch(/Demo workspace rebuilt: .* 0 member\(s\) kept/);
    expect(demo.stdout).toMatch(/Loaded [1-9]\d+ demo events; [1-9]\d+ projected into customer profiles/);
    expect(demo.stdout).toMatch(/Coupons: \d+ come-back coupons to the dormant segment, \d+ vouchers exchanged for points\./);

    const created = await siyu("create-operator", "--email", "Wang.Fang@Example.com", "--name", "王芳", "--workspace", "chayu-demo", "--role", "store_manager", "--stores", "SH-001");
    expect(created.stdout).toContain("Added to workspace");
    expect(created.stdout).toMatch(/Password \(shown once\): [A-Za-z0-9]{16}/);

    const again = await siyu("demo");
    expect(again.stdout).toMatch(/1 member\(s\) kept/);

    const running = await startSiyu({ dataDir, databaseUrl: env.DATABASE_URL || undefined, port: 0, host: "127.0.0.1", log: false });
    try {
      const operator = await running.siyu.services.access.findOperatorByEmail("wang.fang@example.com");
      const workspace = await running.siyu.services.workspaces.findBySlug("chayu-demo");
      expect(operator && workspace).toBeTruthy();
      const membership = await running.siyu.services.access.getMembership(operator!.id, workspace!.id);
      expect(membership?.role).toBe("store_manager");
      const ctx = { workspaceId: workspace!.id, actor: { type: "system" as const, id: null, name: "t" }, storeIds: null, ip: null };
      const sh001 = (await running.siyu.services.stores.list(ctx, { limit: 50, q: "SH-001" })).items[0];
      expect(membership?.storeIds).toEqual([sh001!.id]);
    } finally {
      await running.close();
    }
  });

  it("refuses bad arguments with a message naming them", { timeout: 240_000 }, async () => {
    await expect(siyu("create-operator", "--email", "nope", "--role", "king")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--email[\s\S]*--name[\s\S]*--role/),
    });
    await expect(siyu("create-operator", "--email", "x@example.com", "--name", "X", "--workspace", "chayu-demo", "--role", "store_manager", "--stores", "NOPE-1")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("no store with code NOPE-1"),
    });
    // Nothing was half-made: the same email can still be created.
    expect((await siyu("create-operator", "--email", "x@example.com", "--name", "X")).stdout).toContain("created");
    await expect(siyu("create-operator", "--email", "x@example.com", "--name", "X")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("already exists"),
    });
    await expect(siyu("frobnicate")).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown command") });
  });

  it("reports a bad configuration value and exits 2", async () => {
    await expect(run(process.execPath, [bin, "migrate"], { env: { ...env, PORT: "http" } })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("PORT (port)"),
    });
  });

  it.runIf(!testServerUrl())("refuses to open an embedded store another process holds", async () => {
    const running = await startSiyu({ dataDir, port: 0, host: "127.0.0.1", log: false });
    try {
      await expect(siyu("migrate")).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("is in use by process") });
    } finally {
      await running.close();
    }
  });
});
