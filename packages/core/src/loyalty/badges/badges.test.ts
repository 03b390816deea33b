import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import type { CreateBadgeInput } from "@siyu/contracts";
import { DEFAULT_ACCESS_SETTINGS } from "../../access";
import { listProfileEventsOf } from "../../profile-events";
import { createCoreServices, type CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { DomainError } from "../../shared/domain-error";
import { expectConsistent, newWorkspace } from "../loyalty.test-helpers";

let database: TestDatabase;
let warehouse: Warehouse;
let services: CoreServices;
const clock = fixedClock("2026-11-29T04:00:00Z");
let n = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  services = createCoreServices({ db: database.db, warehouse, clock, settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 } } });
});
afterAll(async () => {
  await warehouse?.close();
  await database?.close();
});

async function identify(ws: string, userId: string, traits: Record<string, unknown>) {
  await services.ingest(ws, [{ messageId: `b-${++n}`, timestamp: clock.now().toISOString(), type: "identify", userId, traits }]);
  while ((await services.projectNextBatch()) > 0);
}
async function profileOf(ws: string, userId: string) {
  const page = await services.profiles.list(systemContext(ws), { limit: 5, q: userId }, await services.identity.settings(ws));
  return page.items[0]!.id;
}
const shanghai: CreateBadgeInput = { code: "shanghai_fan", nameZh: "上海茶客", kind: "title", rule: { type: "trait", trait: "city", op: "eq", value: "上海" }, rewardPoints: 50 };

describe("badges granted by segment rules on DuckDB", () => {
  it("grants to whoever matches, keeps permanent badges, revokes revocable ones, and pays the reward once", async () => {
    clock.set("2026-11-29T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await identify(ws, "wang", { city: "上海" });
    await identify(ws, "zhao", { city: "北京" });
    const title = await services.badges.create(ctx, shanghai);
    const revocable = await services.badges.create(ctx, { ...shanghai, code: "shanghai_now", nameZh: "上海在地", kind: "badge", revokeWhenNoLongerMatching: true });
    expect(await services.badges.evaluate(ctx, title.id)).toEqual({ holders: 1, granted: 1, revoked: 0 });
    expect(await services.badges.evaluate(ctx, revocable.id)).toEqual({ holders: 1, granted: 1, revoked: 0 });
    const wang = await profileOf(ws, "wang");
    expect((await services.badges.ofCustomer(ctx, wang)).map((b) => b.code).sort()).toEqual(["shanghai_fan", "shanghai_now"]);
    expect(await services.badges.ofCustomer(ctx, await profileOf(ws, "zhao"))).toEqual([]);
    // Evaluating again changes nothing.
    expect(await services.badges.evaluate(ctx, title.id)).toEqual({ holders: 1, granted: 0, revoked: 0 });

    await identify(ws, "wang", { city: "杭州" });
    clock.advance(60_000);
    expect(await services.badges.evaluate(ctx, title.id)).toEqual({ holders: 1, granted: 0, revoked: 0 });
    expect(await services.badges.evaluate(ctx, revocable.id)).toEqual({ holders: 0, granted: 0, revoked: 1 });
    expect((await services.badges.ofCustomer(ctx, wang)).map((b) => b.code)).toEqual(["shanghai_fan"]);

    // Back in Shanghai: the revocable badge is granted again, its points are not paid twice.
    await identify(ws, "wang", { city: "上海" });
    clock.advance(60_000);
    expect(await services.badges.evaluate(ctx, revocable.id)).toMatchObject({ granted: 1 });
    expect((await services.points.balance(ctx, wang)).available).toBe(100);
    await expectConsistent(database.db, ws, wang);
    const kinds = (await listProfileEventsOf(database.db, ws, [wang], { limit: 50 })).filter((e) => e.kind.startsWith("badge.")).map((e) => `${e.kind}:${e.payload.badgeCode}`);
    expect(kinds.sort()).toEqual(["badge.granted:shanghai_fan", "badge.granted:shanghai_now", "badge.granted:shanghai_now", "badge.revoked:shanghai_now"].sort());
  });

  it("the daily job evaluates each active badge once per local day", async () => {
    clock.set("2026-11-29T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await identify(ws, "qian", { city: "上海" });
    const badge = await services.badges.create(ctx, shanghai);
    await services.badges.create(ctx, { ...shanghai, code: "paused_badge", status: "paused" });
    const first = await services.badges.runDaily();
    expect(first).toBeGreaterThanOrEqual(1);
    expect((await services.badges.get(ctx, badge.id)).holders).toBe(1);
    await identify(ws, "sun", { city: "上海" });
    clock.advance(60 * 60_000);
    // Same local day: not again.
    await services.badges.runDaily();
    expect((await services.badges.get(ctx, badge.id)).holders).toBe(1);
    clock.advance(20 * 60 * 60_000); // past local midnight
    await services.badges.runDaily();
    expect((await services.badges.get(ctx, badge.id)).holders).toBe(2);
    const list = await services.badges.list(ctx);
    expect(list.find((b) => b.code === "paused_badge")!.holders).toBe(0);
  });

  it("refuses a rule the segments validator refuses, naming the path", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const error = await services.badges.create(ctx, { ...shanghai, rule: { type: "and", rules: [{ type: "trait", trait: "no_such_trait", op: "eq", value: 1 }] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("segments.invalid_rule");
    expect((error as DomainError).message).toContain("rules.0");
  });
});
