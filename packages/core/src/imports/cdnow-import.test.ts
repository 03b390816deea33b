import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "@siyu/storage/orm";
import { datasetFile, openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { SYSTEM_ACTOR, type WorkspaceContext } from "../shared/context";
import { decodeCsvStream } from "./csv-encoding";

/**
 * The real CDNOW sample (2,357 customers, 6,919 purchases, 1997–98; see
 * ../shared/datasets/README.md) imported as an orders file: customer_id → user_id,
 * date → ordered_at, amount_usd → total in USD, order id = customer, date and row
 * number (a customer can buy twice a day). The 8 rows of $0.00 are orders with no
 * spend: they count as orders and add 0. Orders and spend must equal a plain
 * computation over the file.
 */
const SAMPLE = datasetFile("cdnow/cdnow_sample.csv");

let database: TestDatabase;
let services: CoreServices;
let dir: string;

beforeAll(async () => {
  database = await openTestDatabase();
  services = createCoreServices({ db: database.db, clock: fixedClock("2026-11-05T00:00:00Z"), settings: { access: DEFAULT_ACCESS_SETTINGS } });
  dir = mkdtempSync(join(tmpdir(), "siyu-cdnow-"));
});
afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(SAMPLE)("CDNOW sample as an orders import", () => {
  it("imports every purchase once; orders and spend match the file", async () => {
    const [header, ...lines] = readFileSync(SAMPLE!, "utf8").trim().split("\n");
    expect(header).toBe("master_customer_id,customer_id,date,quantity,amount_usd");
    const rows = lines.map((line) => {
      const [, customer, date, quantity, amount] = line.split(",");
      return { customer: customer!, date: date!, quantity: quantity!, amount: amount! };
    });
    const expected = {
      orders: rows.length,
      customers: new Set(rows.map((r) => r.customer)).size,
      spendCents: rows.reduce((sum, r) => sum + Math.round(Number(r.amount) * 100), 0),
      zeroAmount: rows.filter((r) => Number(r.amount) === 0).length,
    };
    expect(expected).toEqual({ orders: 6919, customers: 2357, spendCents: 24_409_194, zeroAmount: 8 });

    const file = join(dir, "cdnow-orders.csv");
    writeFileSync(
      file,
      ["order_id,user_id,ordered_at,total,currency,quantity", ...rows.map((r, i) => `${r.customer}-${r.date}-${i + 2},${r.customer},${r.date},${r.amount},USD,${r.quantity}`)].join("\n"),
    );
    const ws = await services.workspaces.create({ name: "CDNOW", timezone: "America/New_York", currency: "USD" }, SYSTEM_ACTOR);
    const ctx: WorkspaceContext = { workspaceId: ws.id, actor: { type: "system", id: null, name: "test" }, storeIds: null, ip: null };

    const started = performance.now();
    const report = await services.imports.importCsv(ctx, "orders", decodeCsvStream(createReadStream(file)));
    const imported = performance.now();
    while ((await services.projectNextBatch()) > 0);
    const projected = performance.now();
    const rate = (ms: number) => Math.round(rows.length / (ms / 1000));
    console.log(
      `CDNOW sample on ${database.label}: import ${rate(imported - started)} rows/s (${Math.round(imported - started)} ms), ` +
        `import + projection ${rate(projected - started)} rows/s (${Math.round(projected - started)} ms)`,
    );

    expect(report).toEqual({ kind: "orders", rows: 6919, accepted: 6919, duplicates: 0, rejected: 0, errors: [], errorsOmitted: 0 });
    const totals = async () => {
      const result = (await database.db.execute(sql`
        select (select count(*) from orders where workspace_id = ${ws.id})::int as orders,
               (select sum(total_minor) from orders where workspace_id = ${ws.id})::bigint as spend,
               (select count(*) from orders where workspace_id = ${ws.id} and total_minor = 0)::int as zero,
               (select count(*) from profiles where workspace_id = ${ws.id} and merged_into is null)::int as customers,
               (select sum(order_count) from profiles where workspace_id = ${ws.id} and merged_into is null)::int as profile_orders,
               (select sum(total_spend_minor) from profiles where workspace_id = ${ws.id} and merged_into is null)::bigint as profile_spend`)) as unknown as {
        rows: Record<string, string | number>[];
      };
      return Object.fromEntries(Object.entries(result.rows[0]!).map(([k, v]) => [k, Number(v)]));
    };
    const expectedTotals = {
      orders: expected.orders,
      spend: expected.spendCents,
      zero: expected.zeroAmount,
      customers: expected.customers,
      profile_orders: expected.orders,
      profile_spend: expected.spendCents,
    };
    expect(await totals()).toEqual(expectedTotals);

    const again = await services.imports.importCsv(ctx, "orders", decodeCsvStream(createReadStream(file)));
    expect(again).toMatchObject({ rows: 6919, accepted: 0, duplicates: 6919, rejected: 0 });
    while ((await services.projectNextBatch()) > 0);
    expect(await totals()).toEqual(expectedTotals);
  });
});
