import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FunnelQuery, RetentionQuery } from "@siyu/contracts";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { datasetFile, openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { DEFAULT_ACCESS_SETTINGS } from "../../access";
import { createCoreServices, type CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { SYSTEM_ACTOR, type WorkspaceContext } from "../../shared/context";
import { drainWarehouse, refreshProfileSnapshot } from "../../warehouse";
import { refFunnel, refRetention, type RefEvent } from "./explore.reference";
import type { SyntheticEvent } from "./explore.fixtures";

// The public Taobao UserBehavior samples (../shared/datasets, see its README), loaded the way an
// operator would: CSV event import → event log → profiles → warehouse. Then the pv → cart → buy
// funnel and a retention table must equal a plain TypeScript recomputation over the CSV rows.
const SLICE = datasetFile("taobao_userbehavior/userbehavior_2017-11-26_0900-1110_slice.csv");
const HEAD = datasetFile("taobao_userbehavior/userbehavior_file_head.csv");
const HEADER = ["user_id", "item_id", "category_id", "event", "timestamp"];
const TZ = "Asia/Shanghai";

let database: TestDatabase;
let warehouse: Warehouse;
let services: CoreServices;

beforeAll(async () => {
  if (!SLICE || !HEAD) return;
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  services = createCoreServices({ db: database.db, warehouse, clock: fixedClock("2026-11-29T00:00:00Z"), settings: { access: DEFAULT_ACCESS_SETTINGS } });
}, 60_000);
afterAll(async () => {
  await warehouse?.close();
  await database?.close();
});

async function workspace(): Promise<WorkspaceContext> {
  const ws = await services.workspaces.create({ name: "淘宝样本", timezone: TZ, currency: "CNY" }, SYSTEM_ACTOR);
  return { workspaceId: ws.id, actor: { type: "operator", id: ws.id, name: "Analyst" }, storeIds: null, ip: null };
}

/** The CSV's rows as events of customer user_id (distinct rows: the import counts an identical row once). */
function rowsOf(file: string): SyntheticEvent[] {
  const lines = [...new Set(readFileSync(file, "utf8").trim().split(/\r?\n/))];
  return lines.map((line) => {
    const [user, item, category, behavior, seconds] = line.split(",") as [string, string, string, string, string];
    return { actor: Number(user), event: behavior, at: new Date(Number(seconds) * 1000), properties: { item_id: item, category_id: category } };
  });
}

async function importAndLoad(ctx: WorkspaceContext, file: string) {
  const started = performance.now();
  const lap = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const report = await services.imports.importCsv(ctx, "events", readFileSync(file, "utf8"), { header: HEADER, fileName: file.split("/").pop() });
  const imported = lap();
  while ((await services.projectNextBatch(5000)) > 0);
  const projected = lap();
  await drainWarehouse({ db: database.db, warehouse, batchSize: 20_000 });
  await refreshProfileSnapshot({ db: database.db, warehouse, workspaceId: ctx.workspaceId });
  console.info(`[taobao] ${report.rows} rows [${database.label}]: imported ${imported}, projected ${projected}, in the warehouse ${lap()}`);
  return report;
}

/**
 * The rows with the log's seq: rows of one shopper in the same second (a view and an add-to-cart
 * often share one) are ordered by seq, so the recomputation takes the same tie order.
 */
async function withLogOrder(ctx: WorkspaceContext, rows: SyntheticEvent[]): Promise<RefEvent[]> {
  const logged = await warehouse.query<{ seq: bigint; key: string }>(
    `select seq, concat_ws('|', user_id, properties->>'$.item_id', properties->>'$.category_id', event, epoch(ts)::bigint) as key
     from events where workspace_id = $1::uuid`,
    [ctx.workspaceId],
  );
  const seqOf = new Map(logged.map((r) => [r.key, Number(r.seq)]));
  const keyOf = (e: SyntheticEvent) => [e.actor, e.properties!.item_id, e.properties!.category_id, e.event, e.at.getTime() / 1000].join("|");
  return rows.map((e) => ({ ...e, seq: seqOf.get(keyOf(e))! }));
}

/** Profile id → the Taobao user id it was made from (the import's user_id). */
async function userOfProfile(ctx: WorkspaceContext): Promise<Map<string, number>> {
  const rows = await warehouse.query<{ profile_id: string; value: string }>(
    `select profile_id::varchar as profile_id, value from profile_identifiers where workspace_id = $1::uuid and type = 'user_id'`,
    [ctx.workspaceId],
  );
  return new Map(rows.map((r) => [r.profile_id, Number(r.value)]));
}

describe.runIf(SLICE && HEAD)("Taobao UserBehavior through the CSV event import", () => {
  it("the 110,300-row slice: pv → cart → buy funnel counts, rates and times equal the recomputation", async () => {
    const ctx = await workspace();
    const report = await importAndLoad(ctx, SLICE!);
    expect(report).toMatchObject({ kind: "events", rows: 110_300, accepted: 110_300, duplicates: 0, rejected: 0 });

    const [shape] = await warehouse.query<Record<string, bigint>>(
      `select count(distinct profile_id) as profiles, count(distinct user_id) as users, count(*) filter (where profile_id is null) as unlinked,
         (select count(*) from (select profile_id from events_with_profile where workspace_id = $1::uuid group by profile_id having count(distinct user_id) > 1)) as shared
       from events_with_profile where workspace_id = $1::uuid`,
      [ctx.workspaceId],
    );
    // One profile per shopper, every event linked to one: the funnel's customers are the CSV's users.
    expect(shape).toEqual({ profiles: 66_454n, users: 66_454n, unlinked: 0n, shared: 0n });
    const rows = await withLogOrder(ctx, rowsOf(SLICE!));
    expect(rows.every((r) => Number.isInteger(r.seq))).toBe(true);
    for (const order of ["loose", "strict"] as const) {
      const query = FunnelQuery.parse({
        steps: [{ event: "pv" }, { event: "cart" }, { event: "buy" }],
        window: { value: 1, unit: "hour" },
        order,
        period: { from: "2017-11-26", to: "2017-11-26" },
      });
      const got = await services.explore.funnel(ctx, query);
      const want = refFunnel(rows, query, TZ);
      const all = got.series[0]!;
      expect(all.steps.map((s) => s.count)).toEqual(want.all.counts);
      expect(all.steps.map((s) => s.fromPrevious)).toEqual(want.all.counts.map((c, i) => (i === 0 ? 1 : c / want.all.counts[i - 1]!)));
      expect(all.conversion).toBe(want.all.counts[2]! / want.all.counts[0]!);
      expect(all.timeToConvert!.median).toBeCloseTo(want.all.median!, 6);
      if (order === "loose") {
        // The slice's own shape: most viewers neither add to cart nor buy within the two hours.
        expect(want.all.counts[0]).toBeGreaterThan(50_000);
        expect(want.all.counts[2]).toBeGreaterThan(0);
        console.info(`[taobao] pv → cart → buy (${order}): ${want.all.counts.join(" → ")}`);
      }
    }

    // Who dropped after the cart: the drill lists exactly the recomputation's customers.
    const query = FunnelQuery.parse({ steps: [{ event: "pv" }, { event: "cart" }, { event: "buy" }], window: { value: 1, unit: "hour" }, period: { from: "2017-11-26", to: "2017-11-26" } });
    const users = await userOfProfile(ctx);
    const dropped: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await services.explore.funnelDropped(ctx, { query, step: 2, group: { kind: "all" }, limit: 200, cursor }, { pii: true });
      dropped.push(...page.items.map((i) => users.get(i.profileId)!));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(dropped.sort((a, b) => a - b)).toEqual(refFunnel(rows, query, TZ).dropped(2));
  }, 900_000);

  it("the head file (43 shoppers, 9 days): daily retention pv → buy and pv → pv equal the recomputation; a re-import adds nothing", async () => {
    const ctx = await workspace();
    const first = await importAndLoad(ctx, HEAD!);
    const rows = await withLogOrder(ctx, rowsOf(HEAD!));
    expect(first).toMatchObject({ rows: 4_321, accepted: rows.length, rejected: 0 });

    for (const [cohort, returnEvent, mode] of [["pv", "buy", "bounded"], ["pv", "pv", "unbounded"], ["buy", "pv", "bounded"]] as const) {
      const query = RetentionQuery.parse({
        cohort: { kind: "first_event", event: cohort },
        returnEvent: { event: returnEvent },
        interval: "day",
        periods: 8,
        mode,
        period: { from: "2017-11-25", to: "2017-12-03" },
      });
      const got = await services.explore.retention(ctx, query);
      const want = refRetention(rows, query, TZ);
      expect(got.cohorts.map(({ cohort: c, size, counts }) => ({ cohort: c, size, counts }))).toEqual(want);
      expect(got.cohorts.reduce((s, c) => s + c.size, 0)).toBeGreaterThan(cohort === "pv" ? 30 : 0);
    }

    for (const order of ["loose", "strict"] as const) {
      const query = FunnelQuery.parse({ steps: [{ event: "pv" }, { event: "cart" }, { event: "buy" }], window: { value: 1, unit: "day" }, order, period: { from: "2017-11-25", to: "2017-12-03" } });
      const got = await services.explore.funnel(ctx, query);
      expect(got.series[0]!.steps.map((s) => s.count)).toEqual(refFunnel(rows, query, TZ).all.counts);
      const users = await userOfProfile(ctx);
      const page = await services.explore.funnelDropped(ctx, { query, step: 1, group: { kind: "all" }, limit: 200 }, { pii: true });
      expect(page.items.map((i) => users.get(i.profileId)!).sort((a, b) => a - b)).toEqual(refFunnel(rows, query, TZ).dropped(1));
    }

    const again = await services.imports.importCsv(ctx, "events", readFileSync(HEAD!, "utf8"), { header: HEADER });
    expect(again).toMatchObject({ rows: 4_321, accepted: 0, duplicates: 4_321, rejected: 0 });
  }, 120_000);
});
