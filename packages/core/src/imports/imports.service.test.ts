import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditListQuery, CreateStoreBody } from "@siyu/contracts";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { DEFAULT_IDENTITY_SETTINGS } from "../identity";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { SYSTEM_ACTOR, type WorkspaceContext } from "../shared/context";
import { DEFAULT_IMPORT_SETTINGS } from "./imports.settings";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-11-05T00:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  // Small batches, so that a file of a few rows still spans several ingest calls.
  services = createCoreServices({
    db: database.db,
    clock,
    settings: { access: DEFAULT_ACCESS_SETTINGS, imports: { ...DEFAULT_IMPORT_SETTINGS, batchSize: 3 } },
  });
});
afterAll(() => database.close());

async function newWorkspace(): Promise<WorkspaceContext & { storeId: string }> {
  const ws = await services.workspaces.create({ name: "Tea", timezone: "Asia/Shanghai", currency: "CNY" }, SYSTEM_ACTOR);
  const ctx: WorkspaceContext = { workspaceId: ws.id, actor: { type: "operator", id: ws.id, name: "Importer" }, storeIds: null, ip: "203.0.113.9" };
  const store = await services.stores.create(ctx, CreateStoreBody.parse({ code: "SH-001", name: "人民广场店", city: "上海" }));
  return { ...ctx, storeId: store.id };
}

async function drain() {
  while ((await services.projectNextBatch()) > 0);
}

async function totals(ctx: WorkspaceContext) {
  const result = (await database.db.execute(sql`
    select (select count(*) from profiles where workspace_id = ${ctx.workspaceId} and merged_into is null)::int as profiles,
           (select count(*) from orders where workspace_id = ${ctx.workspaceId})::int as orders,
           (select coalesce(sum(total_minor), 0) from orders where workspace_id = ${ctx.workspaceId})::bigint as spend,
           (select count(*) from events_log where workspace_id = ${ctx.workspaceId})::int as events`)) as unknown as {
    rows: { profiles: number; orders: number; spend: string | number; events: number }[];
  };
  const row = result.rows[0]!;
  return { profiles: row.profiles, orders: row.orders, spend: Number(row.spend), events: row.events };
}

async function profileByPhone(ctx: WorkspaceContext, phone: string) {
  const [summary] = (await services.profiles.list(ctx, { limit: 5, q: phone }, DEFAULT_IDENTITY_SETTINGS)).items;
  return summary ? services.profiles.get(ctx, summary.id) : null;
}

const PROFILES = [
  "\uFEFFuser_id,phone,email,name,gender,birthday,city,registration_store,source_channel,wechat_openid,wechat_appid,vip_level",
  "M-1,138 0013 8000,Li.Na@Example.com,李娜,女,1990-05-06,上海,SH-001,miniprogram,,,gold",
  ",13900139000,,王芳,female,,杭州,,douyin,,,",
  "M-3,12345,bad-email,张伟,robot,1990-02-30,,NOPE-9,,,,",
  ",,,没有标识,,,,,,,,",
  '"M-5","13700137000",,"Chen, Jing",M,2001/01/02,"北京",,,oA1b2c3,wx-app-1,silver',
  ",,,,,,,,,oZZZ,,",
  ",,,,,,,,,,,",
  "",
].join("\r\n");

describe("CSV import of profiles", () => {
  it("imports valid rows, reports every bad field with its line, and builds the profiles", async () => {
    const ctx = await newWorkspace();
    const progress: number[] = [];
    const report = await services.imports.importCsv(ctx, "profiles", PROFILES, { onProgress: (p) => progress.push(p.rows), fileName: "members.csv" });
    expect(report).toEqual({
      kind: "profiles",
      rows: 6,
      accepted: 3,
      duplicates: 0,
      rejected: 3,
      errorsOmitted: 0,
      errors: [
        { line: 4, field: "phone", reason: "is not a valid phone number" },
        { line: 4, field: "email", reason: "is not a valid email address" },
        { line: 4, field: "gender", reason: "must be male, female or unknown (男/女)" },
        { line: 4, field: "birthday", reason: "is not a real date (1990-02-30)" },
        { line: 4, field: "registration_store", reason: "no store with code or id NOPE-9" },
        { line: 5, field: "user_id", reason: "the row has no identifier (user_id, phone, email, WeChat, WeCom, Douyin or Tmall id)" },
        { line: 7, field: "wechat_appid", reason: "is required with wechat_openid" },
      ],
    });
    expect(progress.length).toBeGreaterThan(0);
    await drain();
    expect((await totals(ctx)).profiles).toBe(3);

    const liNa = await profileByPhone(ctx, "13800138000");
    expect(liNa?.traits).toEqual({
      phone: "+8613800138000",
      email: "li.na@example.com",
      name: "李娜",
      gender: "female",
      birthday: "1990-05-06",
      city: "上海",
      registration_store: ctx.storeId,
      source_channel: "miniprogram",
      vip_level: "gold",
    });
    const chen = await profileByPhone(ctx, "13700137000");
    expect(chen).toMatchObject({ name: "Chen, Jing", traits: { gender: "male", birthday: "2001-01-02", city: "北京", vip_level: "silver" } });
    const ids = await services.identity.identifiersOf(ctx, chen!.id);
    expect(ids.map((i) => `${i.type}:${i.value}`).sort()).toEqual(["phone:+8613700137000", "user_id:M-5", "wechat_openid:wx-app-1:oA1b2c3"]);

    const audit = (await services.audit.list(ctx, AuditListQuery.parse({ action: "import.profiles" }))).items;
    expect(audit).toEqual([
      expect.objectContaining({
        actorName: "Importer",
        targetType: "import",
        summary: "Imported profiles from members.csv: 6 rows, 3 accepted, 0 duplicates, 3 rejected",
        after: { rows: 6, accepted: 3, duplicates: 0, rejected: 3, fileName: "members.csv" },
      }),
    ]);
  });

  it("adds nothing when the same file is imported again; a changed row is an update", async () => {
    const ctx = await newWorkspace();
    await services.imports.importCsv(ctx, "profiles", PROFILES);
    await drain();
    const before = await totals(ctx);
    const again = await services.imports.importCsv(ctx, "profiles", PROFILES);
    expect(again).toMatchObject({ rows: 6, accepted: 0, duplicates: 3, rejected: 3 });
    await drain();
    expect(await totals(ctx)).toEqual(before);

    clock.advance(60_000);
    const moved = await services.imports.importCsv(ctx, "profiles", "phone,city\n13800138000,成都\n");
    expect(moved).toMatchObject({ accepted: 1, duplicates: 0 });
    await drain();
    expect((await profileByPhone(ctx, "13800138000"))?.traits.city).toBe("成都");
    expect((await totals(ctx)).profiles).toBe(before.profiles);
    expect((await services.audit.list(ctx, AuditListQuery.parse({ action: "import.profiles" }))).items).toHaveLength(3);
  });

  it("refuses a header without an identifier column, naming it, and writes no audit entry", async () => {
    const ctx = await newWorkspace();
    await expect(services.imports.importCsv(ctx, "profiles", "name,city\n李娜,上海\n")).rejects.toMatchObject({
      code: "imports.missing_column",
      status: 400,
      details: [{ path: "user_id", message: expect.stringContaining("at least one of user_id, phone, email") }],
    });
    await expect(services.imports.importCsv(ctx, "profiles", "user_id,wechat_openid\n1,o1\n")).rejects.toMatchObject({ code: "imports.missing_column", message: expect.stringContaining("wechat_appid") });
    await expect(services.imports.importCsv(ctx, "profiles", "phone,手机\n1,2\n")).rejects.toMatchObject({ code: "imports.bad_header", message: expect.stringContaining("phone appears twice") });
    await expect(services.imports.importCsv(ctx, "profiles", "\n\n")).rejects.toMatchObject({ code: "imports.bad_header" });
    expect((await services.audit.list(ctx, AuditListQuery.parse({ action: "import.profiles" }))).items).toEqual([]);
  });
});

const ORDERS = [
  "order_id,phone,user_id,total,currency,store,coupon,ordered_at,sku,quantity,price,channel",
  "A-1,13800138000,,36.50,,SH-001,NEW10,2026-11-01 08:00,T-1,2,18.25,pos",
  "A-2,,M-9,1,234.00,,,,2026-11-01T10:00:00+08:00,,,,pos",
  'A-3,,M-9,"1,234.00",CNY,,,2026/11/02,,,,',
  "A-4,13800138000,,-5,,,,2026-11-01,,,,",
  "A-5,13800138000,,12.345,,,,yesterday,,0,,",
  "A-1,13800138000,,36.50,,,,2026-11-01 08:00,,,,",
  "A-6,,,10,,,,2026-11-01,,,,",
  "A-7,13800138000,,10,,,,2026-12-30,,,,",
  "A-8,13800138000,,0,USD,,,1997-01-01,,,,",
].join("\n");

describe("CSV import of orders", () => {
  it("imports valid orders as the orders API would, with times in the workspace's zone, and reports the rest", async () => {
    const ctx = await newWorkspace();
    const report = await services.imports.importCsv(ctx, "orders", ORDERS);
    expect(report.errors).toEqual([
      { line: 3, field: "row", reason: "has 13 cells; the header names 12 columns" },
      { line: 5, field: "total", reason: "must be ≥ 0" },
      { line: 6, field: "total", reason: "has more than 2 decimals" },
      { line: 6, field: "ordered_at", reason: "is not a date-time: write 2026-11-01 08:00, 2026-11-01 or ISO 8601 with an offset" },
      { line: 6, field: "quantity", reason: "must be between 1 and 10000" },
      { line: 7, field: "order_id", reason: "repeats the order on line 2 (one row per order)" },
      { line: 8, field: "user_id", reason: "the row names no customer (user_id, phone or email)" },
      { line: 9, field: "ordered_at", reason: "is more than 24 hours in the future" },
    ]);
    expect(report).toMatchObject({ rows: 9, accepted: 3, duplicates: 0, rejected: 6 });
    await drain();
    const orders = (await database.db.execute(
      sql`select order_id, total_minor, currency, store_id, coupon, products, ordered_at from orders where workspace_id = ${ctx.workspaceId} order by order_id`,
    )) as unknown as { rows: { order_id: string; total_minor: string | number; currency: string; store_id: string | null; coupon: string | null; products: unknown; ordered_at: Date | string }[] };
    expect(orders.rows.map((o) => ({ ...o, total_minor: Number(o.total_minor), ordered_at: new Date(o.ordered_at).toISOString() }))).toEqual([
      { order_id: "A-1", total_minor: 3650, currency: "CNY", store_id: ctx.storeId, coupon: "NEW10", products: [{ sku: "T-1", price: 18.25, quantity: 2 }], ordered_at: "2026-11-01T00:00:00.000Z" },
      { order_id: "A-3", total_minor: 123400, currency: "CNY", store_id: null, coupon: null, products: [], ordered_at: "2026-11-01T16:00:00.000Z" },
      { order_id: "A-8", total_minor: 0, currency: "USD", store_id: null, coupon: null, products: [], ordered_at: "1996-12-31T16:00:00.000Z" },
    ]);
    const liNa = await profileByPhone(ctx, "13800138000");
    expect(liNa).toMatchObject({ orderCount: 2, totalSpendMinor: 3650 });

    const again = await services.imports.importCsv(ctx, "orders", ORDERS);
    expect(again).toMatchObject({ rows: 9, accepted: 0, duplicates: 3, rejected: 6 });
    await drain();
    expect(await totals(ctx)).toMatchObject({ orders: 3, spend: 3650 + 123400 });
  });

  it("counts an order once when it arrives both as an API call and in a CSV file", async () => {
    const ctx = await newWorkspace();
    // The message the orders API builds for POST /orders (see orders.routes.ts).
    const api = await services.ingest(ctx.workspaceId, [
      { type: "track", event: "Order Completed", messageId: "order:POS-77", timestamp: "2026-11-01T02:00:00Z", userId: "M-1", properties: { order_id: "POS-77", total: 18 } },
    ]);
    expect(api.accepted).toBe(1);
    const report = await services.imports.importCsv(ctx, "orders", "order_id,user_id,total,ordered_at\nPOS-77,M-1,18,2026-11-01 10:00\nPOS-78,M-1,20,2026-11-01 11:00\n");
    expect(report).toMatchObject({ rows: 2, accepted: 1, duplicates: 1, rejected: 0 });
    await drain();
    expect(await totals(ctx)).toMatchObject({ orders: 2, spend: 3800 });
  });

  it("refuses an orders header without order_id, total, ordered_at or a customer column", async () => {
    const ctx = await newWorkspace();
    for (const [header, column] of [
      ["user_id,total,ordered_at", "order_id"],
      ["order_id,user_id,ordered_at", "total"],
      ["order_id,user_id,total", "ordered_at"],
      ["order_id,total,ordered_at,name", "user_id"],
    ] as const) {
      await expect(services.imports.importCsv(ctx, "orders", `${header}\n`)).rejects.toMatchObject({
        code: "imports.missing_column",
        message: expect.stringContaining(`no ${column} column`),
        details: [{ path: column, message: expect.any(String) }],
      });
    }
    await expect(services.imports.importCsv(ctx, "orders", "order_id,total\n")).rejects.toMatchObject({
      message: "The header (line 1) has no ordered_at column: an orders file needs it; no user_id column: an orders file needs one of user_id, phone, email to know who ordered.",
      details: [{ path: "ordered_at" }, { path: "user_id" }],
    });
  });
});
