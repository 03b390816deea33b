import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { SYSTEM_ACTOR, type WorkspaceContext } from "../shared/context";
import { DEFAULT_IMPORT_SETTINGS } from "./imports.settings";

let database: TestDatabase;
let services: CoreServices;

beforeAll(async () => {
  database = await openTestDatabase();
  services = createCoreServices({ db: database.db, clock: fixedClock("2026-11-05T00:00:00Z"), settings: { access: DEFAULT_ACCESS_SETTINGS, imports: { ...DEFAULT_IMPORT_SETTINGS, batchSize: 2 } } });
});
afterAll(() => database.close());

async function workspace(): Promise<WorkspaceContext> {
  const ws = await services.workspaces.create({ name: "Tea", timezone: "Asia/Shanghai", currency: "CNY" }, SYSTEM_ACTOR);
  return { workspaceId: ws.id, actor: { type: "operator", id: ws.id, name: "Importer" }, storeIds: null, ip: null };
}

const EVENTS = [
  "user_id,behavior_type,ts,item_id,channel",
  "u-1,pv,2026-11-01 08:00,42,wechat",
  "u-1,cart,1761955260,42,wechat",
  ",pv,2026-11-01 08:00,43,",
  "u-2,,2026-11-01,44,",
  "u-3,buy,yesterday,45,",
  "u-1,pv,2026-11-01 08:00,42,wechat",
  "",
].join("\n");

describe("CSV import of events", () => {
  it("imports valid rows as track events, reports each bad row by line and column, and adds nothing the second time", async () => {
    const ctx = await workspace();
    const report = await services.imports.importCsv(ctx, "events", EVENTS, { fileName: "events.csv" });
    expect(report).toMatchObject({ kind: "events", rows: 6, accepted: 2, duplicates: 1, rejected: 3 });
    expect(report.errors).toEqual([
      { line: 4, field: "user_id", reason: "the row names nobody (user_id or anonymous_id)" },
      { line: 5, field: "event", reason: "is required" },
      { line: 6, field: "timestamp", reason: expect.stringContaining("is not a date-time") },
    ]);
    const logged = (await database.db.execute(sql`
      select payload->>'event' as event, payload->>'timestamp' as at, payload->'context'->>'channel' as channel, payload->'properties'->>'item_id' as item
      from events_log where workspace_id = ${ctx.workspaceId} order by seq`)) as unknown as { rows: Record<string, string>[] };
    expect(logged.rows).toEqual([
      { event: "pv", at: "2026-11-01T00:00:00.000Z", channel: "wechat", item: "42" },
      { event: "cart", at: "2025-11-01T00:01:00.000Z", channel: "wechat", item: "42" },
    ]);
    const again = await services.imports.importCsv(ctx, "events", EVENTS);
    expect(again).toMatchObject({ rows: 6, accepted: 0, duplicates: 3, rejected: 3 });
  });

  it("refuses a header without event or timestamp, naming them; a headerless file takes its columns from the option", async () => {
    const ctx = await workspace();
    await expect(services.imports.importCsv(ctx, "events", "user_id,item_id\nu-1,42\n")).rejects.toMatchObject({
      code: "imports.missing_column",
      details: [{ path: "event" }, { path: "timestamp" }],
    });
    const report = await services.imports.importCsv(ctx, "events", "1,2268318,2520377,pv,1511544070\n1,2333346,2520771,buy,1511561733\n", {
      header: ["user_id", "item_id", "category_id", "event", "timestamp"],
    });
    expect(report).toMatchObject({ rows: 2, accepted: 2, rejected: 0 });
  });
});
