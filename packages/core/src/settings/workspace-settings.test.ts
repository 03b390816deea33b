import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { and, eq, sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { auditEntries } from "../audit";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { defineErrors } from "../shared/domain-error";
import { newId } from "../shared/ids";
import { rows } from "../shared/sql-rows";
import { DEFAULT_TIME_ZONE, workspaces } from "../workspaces";
import { workspaceSettings } from "./settings.schema";
import { defineWorkspaceSettings } from "./workspace-settings";

let database: TestDatabase;
const clock = fixedClock("2026-11-01T08:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const Demo = z.object({
  lower: z.number().min(0).max(1).default(0.25),
  upper: z.number().min(0).max(1).default(0.75),
  schedule: z.object({ enabled: z.boolean(), hour: z.number().int().min(0).max(23) }).default({ enabled: true, hour: 3 }),
});
const DEFAULTS = Demo.parse({});
const demoErrors = defineErrors({ "demo.invalid_settings": 400 });
const demo = defineWorkspaceSettings({
  module: "demo",
  schema: Demo,
  defaults: DEFAULTS,
  audit: { action: "demo.settings_updated", targetType: "demo_settings", summary: "Changed demo settings" },
  check: (s) => (s.lower >= s.upper ? [{ field: "lower", message: "lower must be below upper" }] : []),
  invalid: (p) => demoErrors.error("demo.invalid_settings", p.message, { path: [p.field] }),
});
const other = defineWorkspaceSettings({
  module: "other",
  schema: z.object({ lower: z.number().default(0.5) }),
  defaults: { lower: 0.5 },
  audit: { action: "other.settings_updated", targetType: "other_settings", summary: "Changed other settings" },
});

async function auditOf(workspaceId: string) {
  return database.db.select().from(auditEntries).where(eq(auditEntries.workspaceId, workspaceId)).orderBy(auditEntries.at);
}

async function storeRow(workspaceId: string, module: string, settings: Record<string, unknown>) {
  await database.db.insert(workspaceSettings).values({ workspaceId, module, settings, updatedAt: clock.now() });
}

describe("defineWorkspaceSettings", () => {
  it("gives the defaults without a row, and keeps each module's row apart", async () => {
    const workspaceId = newId();
    expect(await demo.load(database.db, workspaceId)).toEqual(DEFAULTS);
    await demo.update(database.db, clock, systemContext(workspaceId), { lower: 0.1 });
    expect(await demo.load(database.db, workspaceId)).toEqual({ ...DEFAULTS, lower: 0.1 });
    expect(await other.load(database.db, workspaceId)).toEqual({ lower: 0.5 });
    expect(await demo.load(database.db, newId())).toEqual(DEFAULTS);
  });

  it("reads the settings with the workspace's time zone in one statement", async () => {
    const workspaceId = newId();
    const now = clock.now();
    await database.db.insert(workspaces).values({ id: workspaceId, name: "Berlin shop", slug: `berlin-${workspaceId}`, timezone: "Europe/Berlin", currency: "EUR", createdAt: now, updatedAt: now });
    expect(await demo.loadWithTimeZone(database.db, workspaceId)).toEqual({ settings: DEFAULTS, timeZone: "Europe/Berlin" });
    await demo.update(database.db, clock, systemContext(workspaceId), { upper: 0.6 });
    expect(await demo.loadWithTimeZone(database.db, workspaceId)).toEqual({ settings: { ...DEFAULTS, upper: 0.6 }, timeZone: "Europe/Berlin" });
    // A workspace deleted under a running job: the defaults, in the default zone.
    expect(await demo.loadWithTimeZone(database.db, newId())).toEqual({ settings: DEFAULTS, timeZone: DEFAULT_TIME_ZONE });
    // The same read as two columns of another statement.
    const [row] = await rows<Record<string, unknown>>(database.db, sql`select 42 as answer, ${demo.columnsWithTimeZone(workspaceId)}`);
    expect(row!.answer).toBe(42);
    expect(demo.fromColumns(row)).toEqual({ settings: { ...DEFAULTS, upper: 0.6 }, timeZone: "Europe/Berlin" });
  });

  it("merges a patch over the current settings and audits only the changed keys", async () => {
    const workspaceId = newId();
    const ctx = systemContext(workspaceId);
    await demo.update(database.db, clock, ctx, { upper: 0.9 });
    const after = await demo.update(database.db, clock, ctx, { lower: 0.5, upper: 0.9 });
    expect(after).toEqual({ ...DEFAULTS, lower: 0.5, upper: 0.9 });
    const audit = await auditOf(workspaceId);
    expect(audit.map((a) => [a.action, a.targetType, a.targetId, a.summary])).toEqual([
      ["demo.settings_updated", "demo_settings", workspaceId, "Changed demo settings"],
      ["demo.settings_updated", "demo_settings", workspaceId, "Changed demo settings"],
    ]);
    expect(audit.map((a) => [a.before, a.after])).toEqual([
      [{ upper: 0.75 }, { upper: 0.9 }],
      [{ lower: 0.25 }, { lower: 0.5 }],
    ]);
  });

  it("replaces the whole object on replace: keys left out go back to their defaults", async () => {
    const workspaceId = newId();
    const ctx = systemContext(workspaceId);
    await demo.update(database.db, clock, ctx, { lower: 0.1, schedule: { enabled: false, hour: 5 } });
    expect(await demo.replace(database.db, clock, ctx, { upper: 0.8 })).toEqual({ ...DEFAULTS, upper: 0.8 });
    const [, last] = await auditOf(workspaceId);
    expect(last!.before).toEqual({ lower: 0.1, upper: 0.75, schedule: { enabled: false, hour: 5 } });
  });

  it("refuses what the check finds with the module's error naming the field, and keeps the old settings", async () => {
    const workspaceId = newId();
    const ctx = systemContext(workspaceId);
    await expect(demo.update(database.db, clock, ctx, { lower: 0.8 })).rejects.toMatchObject({
      code: "demo.invalid_settings",
      status: 400,
      details: { path: ["lower"] },
    });
    await expect(demo.update(database.db, clock, ctx, { lower: 2 })).rejects.toBeInstanceOf(z.ZodError);
    expect(await demo.load(database.db, workspaceId)).toEqual(DEFAULTS);
    expect(await auditOf(workspaceId)).toEqual([]);
  });

  it("tolerates stored keys that are unknown or no longer valid: they take their defaults, the rest stay", async () => {
    const workspaceId = newId();
    await storeRow(workspaceId, "demo", { lower: 0.1, removedKey: "x", upper: "not a number", schedule: { enabled: false, hour: 4 } });
    expect(await demo.load(database.db, workspaceId)).toEqual({ lower: 0.1, upper: 0.75, schedule: { enabled: false, hour: 4 } });
    const after = await demo.update(database.db, clock, systemContext(workspaceId), { upper: 0.6 });
    expect(after).toEqual({ lower: 0.1, upper: 0.6, schedule: { enabled: false, hour: 4 } });
    const [row] = await database.db
      .select()
      .from(workspaceSettings)
      .where(and(eq(workspaceSettings.workspaceId, workspaceId), eq(workspaceSettings.module, "demo")));
    expect(row!.settings).toEqual(after);
  });

  it("works with a strict schema too (unknown stored keys would fail it)", async () => {
    const strict = defineWorkspaceSettings({
      module: "strict",
      schema: z.strictObject({ n: z.number().default(1) }),
      defaults: { n: 1 },
      audit: { action: "strict.settings_updated", targetType: "strict_settings", summary: "Changed" },
    });
    const workspaceId = newId();
    await storeRow(workspaceId, "strict", { n: 3, gone: true });
    expect(await strict.load(database.db, workspaceId)).toEqual({ n: 3 });
  });
});
