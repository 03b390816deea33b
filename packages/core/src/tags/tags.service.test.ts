import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { CreateTagBody, type QuantileTagDefinition, type SegmentRule } from "@siyu/contracts";
import { createCoreServices, type CoreServices } from "../services";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { fixedClock } from "../shared/clock";
import { SYSTEM_ACTOR, type WorkspaceContext } from "../shared/context";
import { DEFAULT_IDENTITY_SETTINGS } from "../identity";
import { listProfileEventsOf, readProfileEventsAfter } from "../profile-events";
import { drainWarehouse, refreshProfileSnapshot } from "../warehouse";
import { newId } from "../shared/ids";
import { computeQuantileLevels, syncTagsToWarehouse } from "./tags.warehouse";

let database: TestDatabase;
let warehouse: Warehouse;
let services: CoreServices;
const clock = fixedClock("2026-11-29T08:00:00Z");

/**
 * A stand-in for the segments module's evaluator, as real as this test needs: event rules
 * ("count of <event> where <property> eq <value> >= N in the last D days") run on DuckDB.
 */
beforeAll(async () => {
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  services = createCoreServices({ db: database.db, warehouse, clock, settings: { access: DEFAULT_ACCESS_SETTINGS } });
});
afterAll(async () => {
  await warehouse?.close();
  await database?.close();
});

async function newWorkspace(): Promise<WorkspaceContext> {
  const ws = await services.workspaces.create({ name: "Tea", timezone: "Asia/Shanghai", currency: "CNY" }, SYSTEM_ACTOR);
  return { workspaceId: ws.id, actor: { type: "operator", id: newId(), name: "Chen Jing" }, storeIds: null, ip: null };
}

let n = 0;
function msg(body: Record<string, unknown>, daysAgo = 1) {
  n += 1;
  return { messageId: `tag-m-${n}`, timestamp: new Date(clock.now().getTime() - daysAgo * 86_400_000).toISOString(), ...body };
}

async function drain() {
  while ((await services.projectNextBatch(500)) > 0);
}

/** Customers u0..u(count-1) with phones 1380013800x; returns their profile ids by user id. */
async function customers(ctx: WorkspaceContext, count: number): Promise<Map<string, string>> {
  await services.ingest(
    ctx.workspaceId,
    Array.from({ length: count }, (_, i) => msg({ type: "identify", userId: `u${i}`, traits: { phone: `1380013${String(8000 + i)}` } })),
  );
  await drain();
  const page = await services.profiles.list(ctx, { limit: 200 }, DEFAULT_IDENTITY_SETTINGS);
  const ids = new Map<string, string>();
  for (const p of page.items) {
    const identifiers = await services.identity.identifiersOf(ctx, p.id);
    const user = identifiers.find((i) => i.type === "user_id");
    if (user) ids.set(user.value, p.id);
  }
  return ids;
}

const manual = (name: string, groupId?: string) => CreateTagBody.parse({ kind: "manual", name, groupId });

async function tagEvents(ctx: WorkspaceContext, profileIds: string[]) {
  const events = await listProfileEventsOf(database.db, ctx.workspaceId, profileIds, { limit: 1000 });
  return events.reverse().map((e) => `${e.kind}:${String(e.payload.tagName)}`);
}

async function warehouseTags(ctx: WorkspaceContext) {
  const rows = await warehouse.query<{ profile_id: string; tag_id: string }>(
    "select profile_id::varchar as profile_id, tag_id::varchar as tag_id from profile_tags where workspace_id = $1::uuid order by 1, 2",
    [ctx.workspaceId],
  );
  return rows.map((r) => `${r.profile_id}:${r.tag_id}`);
}

describe("tag groups and tags", () => {
  it("keeps names unique per workspace and group, and audits definition changes", async () => {
    const ctx = await newWorkspace();
    const group = await services.tags.createGroup(ctx, { name: "Interests", exclusive: false });
    const a = await services.tags.create(ctx, manual("Oolong", group.id));
    await expect(services.tags.create(ctx, manual("Oolong", group.id))).rejects.toMatchObject({ code: "tags.name_taken", status: 409 });
    // The same name outside the group, or in another group, is another tag.
    await services.tags.create(ctx, manual("Oolong"));
    await expect(services.tags.create(ctx, manual("Oolong"))).rejects.toMatchObject({ code: "tags.name_taken" });
    await expect(services.tags.createGroup(ctx, { name: "Interests", exclusive: true })).rejects.toMatchObject({ code: "tags.group_name_taken" });
    await expect(services.tags.removeGroup(ctx, group.id)).rejects.toMatchObject({ code: "tags.group_not_empty" });

    const rule: SegmentRule = { type: "event", event: "Product Viewed", measure: { kind: "count" }, op: "gte", value: 3, window: { kind: "in_last_days", days: 30 } };
    const ruleTag = await services.tags.create(ctx, CreateTagBody.parse({ kind: "rule", name: "Viewer", definition: { rule } }));
    await services.tags.update(ctx, ruleTag.id, { definition: { rule: { ...rule, value: 5 } } });
    await expect(services.tags.update(ctx, ruleTag.id, { definition: { rule: { type: "bogus" } } })).rejects.toMatchObject({
      code: "tags.invalid_definition",
      status: 400,
    });
    await expect(services.tags.update(ctx, a.id, { definition: { rule } })).rejects.toMatchObject({ code: "tags.invalid_definition" });
    const self: SegmentRule = { type: "not", rule: { type: "tag", tagId: ruleTag.id } };
    await expect(services.tags.update(ctx, ruleTag.id, { definition: { rule: self } })).rejects.toMatchObject({
      code: "tags.invalid_definition",
      details: { field: "definition.rule" },
    });
    const { items } = await services.audit.list(ctx, { limit: 50, action: "tag.updated" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ targetId: ruleTag.id, before: { definition: { rule } }, after: { definition: { rule: { ...rule, value: 5 } } } });
  });
});

describe("assigning tags", () => {
  it("by profile ids and identifiers in bulk, reporting unknown ones per item, once per customer", async () => {
    const ctx = await newWorkspace();
    const ids = await customers(ctx, 3);
    const vip = await services.tags.create(ctx, manual("VIP"));
    const unknownId = newId();
    const result = await services.tags.assign(ctx, vip.id, {
      profileIds: [ids.get("u0")!, unknownId, "nope"],
      identifiers: [
        { type: "phone", value: "138 0013 8001" },
        { type: "user_id", value: "u0" },
        { type: "phone", value: "13900000000" },
        { type: "phone", value: "12" },
      ],
    });
    expect(result).toMatchObject({ changed: 2, unchanged: 1, unknown: 4 });
    expect(result.items.map((i) => i.status)).toEqual(["changed", "unknown_profile", "invalid", "changed", "unchanged", "unknown_profile", "invalid"]);
    expect(result.items[3]).toMatchObject({ liveProfileId: ids.get("u1") });
    expect(result.items[6]).toMatchObject({ reason: "is not a valid phone number" });

    // Adding a held tag again changes nothing and appends no event.
    const again = await services.tags.assign(ctx, vip.id, { profileIds: [ids.get("u0")!, ids.get("u1")!] });
    expect(again).toMatchObject({ changed: 0, unchanged: 2 });
    expect(await tagEvents(ctx, [ids.get("u0")!, ids.get("u1")!])).toEqual(["tag.added:VIP", "tag.added:VIP"]);
    expect((await services.tags.list(ctx)).tags.find((t) => t.id === vip.id)?.holders).toBe(2);
    expect(await warehouseTags(ctx)).toEqual([`${ids.get("u0")}:${vip.id}`, `${ids.get("u1")}:${vip.id}`].sort());

    const removed = await services.tags.unassign(ctx, vip.id, { identifiers: [{ type: "user_id", value: "u1" }, { type: "user_id", value: "u2" }] });
    expect(removed).toMatchObject({ changed: 1, unchanged: 1, unknown: 0 });
    expect(await tagEvents(ctx, [ids.get("u1")!])).toEqual(["tag.added:VIP", "tag.removed:VIP"]);
    expect(await warehouseTags(ctx)).toEqual([`${ids.get("u0")}:${vip.id}`]);
    const entries = (await services.audit.list(ctx, { limit: 10, action: "tag.assigned" })).items;
    expect(entries.map((e) => e.summary)).toEqual(["Gave tag VIP to 0 of 2 customers", "Gave tag VIP to 2 of 7 customers"]);
  });

  it("keeps at most one tag of an exclusive group, with an event for the one taken away", async () => {
    const ctx = await newWorkspace();
    const ids = await customers(ctx, 2);
    const group = await services.tags.createGroup(ctx, { name: "Preferred store", exclusive: true });
    const north = await services.tags.create(ctx, manual("North", group.id));
    const south = await services.tags.create(ctx, manual("South", group.id));
    const other = await services.tags.create(ctx, manual("Newsletter"));
    const everyone = { profileIds: [...ids.values()] };
    await services.tags.assign(ctx, north.id, everyone);
    await services.tags.assign(ctx, other.id, everyone);
    await services.tags.assign(ctx, south.id, { profileIds: [ids.get("u0")!] });
    expect((await services.tags.tagsOf(ctx, ids.get("u0")!)).map((t) => t.name).sort()).toEqual(["Newsletter", "South"]);
    expect((await services.tags.tagsOf(ctx, ids.get("u1")!)).map((t) => t.name).sort()).toEqual(["Newsletter", "North"]);
    expect(await tagEvents(ctx, [ids.get("u0")!])).toEqual(["tag.added:North", "tag.added:Newsletter", "tag.removed:North", "tag.added:South"]);
    await expect(services.tags.assign(ctx, newId(), everyone)).rejects.toMatchObject({ code: "tags.not_found", status: 404 });
  });

  it("shows a tag held by a merged-away profile on the live one, and never adds it twice", async () => {
    const ctx = await newWorkspace();
    await services.ingest(ctx.workspaceId, [
      msg({ type: "identify", userId: "m1" }),
      msg({ type: "identify", anonymousId: "visitor-9", traits: { email: "fang@example.com" } }),
    ]);
    await drain();
    const [first, second] = (await services.profiles.list(ctx, { limit: 10 }, DEFAULT_IDENTITY_SETTINGS)).items;
    const gift = await services.tags.create(ctx, manual("Gift buyer"));
    const vip = await services.tags.create(ctx, manual("VIP"));
    await services.tags.assign(ctx, gift.id, { profileIds: [first!.id, second!.id] });
    await services.tags.assign(ctx, vip.id, { profileIds: [second!.id] });
    // One person after all: the email turns up on the user's profile.
    await services.ingest(ctx.workspaceId, [msg({ type: "identify", userId: "m1", traits: { email: "fang@example.com" } }, 0)]);
    await drain();
    const live = (await services.profiles.list(ctx, { limit: 10 }, DEFAULT_IDENTITY_SETTINGS)).items;
    expect(live).toHaveLength(1);
    const liveId = live[0]!.id;
    const absorbed = liveId === first!.id ? second!.id : first!.id;

    expect((await services.tags.tagsOf(ctx, liveId)).map((t) => t.name).sort()).toEqual(["Gift buyer", "VIP"]);
    expect((await services.tags.tagsOf(ctx, absorbed)).map((t) => t.name).sort()).toEqual(["Gift buyer", "VIP"]);
    const again = await services.tags.assign(ctx, vip.id, { profileIds: [liveId, absorbed] });
    expect(again).toMatchObject({ changed: 0, unchanged: 2 });
    expect(again.items.map((i) => i.liveProfileId)).toEqual([liveId, liveId]);
    expect((await services.tags.list(ctx)).tags.map((t) => [t.name, t.holders])).toEqual([
      ["Gift buyer", 1],
      ["VIP", 1],
    ]);

    await refreshProfileSnapshot({ db: database.db, warehouse, workspaceId: ctx.workspaceId });
    expect(await warehouseTags(ctx)).toEqual([`${liveId}:${gift.id}`, `${liveId}:${vip.id}`].sort());

    // Taking the tag from the live customer takes it from every id of theirs, with one event.
    await services.tags.removeFromProfile(ctx, liveId, gift.id);
    expect((await services.tags.tagsOf(ctx, liveId)).map((t) => t.name)).toEqual(["VIP"]);
    const events = await listProfileEventsOf(database.db, ctx.workspaceId, [liveId, absorbed], { limit: 20 });
    expect(events.filter((e) => e.kind === "tag.removed")).toEqual([expect.objectContaining({ profileId: liveId, payload: expect.objectContaining({ tagName: "Gift buyer" }) })]);
  });
});

describe("CSV import", () => {
  it("adds tags by identifier columns and reports each bad row with its line and field", async () => {
    const ctx = await newWorkspace();
    const ids = await customers(ctx, 3);
    const group = await services.tags.createGroup(ctx, { name: "Interests", exclusive: false });
    await services.tags.create(ctx, manual("Jasmine", group.id));
    await services.tags.create(ctx, manual("Jasmine"));
    await services.tags.create(ctx, manual("Pu'er"));
    const csv = [
      "phone,user_id,tag,group",
      "13800138000,,Jasmine,Interests",
      ",u1,Pu'er,",
      "13800138000,,Pu'er,",
      ",u1,Pu'er,",
      "not-a-phone,,Pu'er,",
      "13900000000,,Pu'er,",
      ",u2,Jasmine,",
      ",u2,Longjing,",
      ",,Pu'er,",
      ",u2,Jasmine,Nowhere",
      "",
    ].join("\n");
    const report = await services.tags.importCsv(ctx, csv, { fileName: "tags.csv" });
    expect(report).toEqual({
      rows: 10,
      added: 3,
      unchanged: 1,
      rejected: 6,
      errors: [
        { line: 6, field: "phone", reason: "is not a valid phone number" },
        { line: 7, field: "phone", reason: "no customer has this phone" },
        { line: 8, field: "tag", reason: "2 tags are named Jasmine; add a group column" },
        { line: 9, field: "tag", reason: "no tag named Longjing" },
        { line: 10, field: "phone", reason: "names no customer: the column is empty" },
        { line: 11, field: "group", reason: "no tag group named Nowhere" },
      ],
      errorsOmitted: 0,
    });
    expect((await services.tags.tagsOf(ctx, ids.get("u0")!)).map((t) => `${t.name}/${t.source}`).sort()).toEqual(["Jasmine/import", "Pu'er/import"]);
    await expect(services.tags.importCsv(ctx, "phone,name\n1,2\n")).rejects.toMatchObject({ code: "tags.invalid_csv", details: { field: "tag" } });
    await expect(services.tags.importCsv(ctx, "tag,city\nVIP,x\n")).rejects.toMatchObject({ code: "tags.invalid_csv", details: { field: "identifier_type" } });
  });
});

/** The plain reading of a quantile scheme: rank by metric (ties share the better rank), cut by cumulative percent. */
function expectedLevels(metrics: Map<string, number>, percents: (number | undefined)[]): string[][] {
  const ranked = [...metrics].filter(([, m]) => m > 0);
  const n = ranked.length;
  const levels: string[][] = percents.map(() => []);
  for (const [id, m] of ranked) {
    const rank = 1 + ranked.filter(([, other]) => other > m).length;
    let cumulative = 0;
    for (let i = 0; i < percents.length; i++) {
      const p = percents[i];
      if (p === undefined) {
        levels[i]!.push(id);
        break;
      }
      cumulative += p;
      if ((rank - 1) * 100 < n * cumulative) {
        levels[i]!.push(id);
        break;
      }
    }
  }
  return levels.map((l) => l.sort());
}

describe("quantile tags", () => {
  it("split customers like a plain ranking does, for any spends and percentages", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 50 }).map((x) => x * 1000), { minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        async (spends, top, next, rest) => {
          const workspaceId = newId();
          const metrics = new Map(spends.map((s) => [newId(), s] as const));
          await warehouse.transaction((tx) =>
            tx.append(
              "profiles",
              [...metrics].map(([id, spend]) => [workspaceId, id, null, null, null, null, null, 1, spend > 0 ? 1 : 0, BigInt(spend), null, null]),
            ),
          );
          const percents = rest ? [top, next, undefined] : [top, next];
          const definition: QuantileTagDefinition = {
            metric: "total_spend",
            levels: percents.map((p, i) => ({ tagId: newId(), ...(p === undefined ? {} : { topPercent: p }), tagName: `L${i}` })),
          };
          const levels = await computeQuantileLevels(warehouse, workspaceId, definition, clock.now());
          expect(levels.map((l) => [...l].sort())).toEqual(expectedLevels(metrics, percents));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("recompute moves customers between levels with one removed and one added event each", async () => {
    const ctx = await newWorkspace();
    const ids = await customers(ctx, 10);
    await refreshProfileSnapshot({ db: database.db, warehouse, workspaceId: ctx.workspaceId });
    const setSpend = async (spend: (i: number) => number) => {
      for (const [user, id] of ids) {
        await warehouse.run("update profiles set total_spend_minor = $1 where id = $2::uuid", [BigInt(spend(Number(user.slice(1)))), id]);
      }
    };
    // u9 spends most, u0 nothing.
    await setSpend((i) => i * 100);
    const group = await services.tags.createGroup(ctx, { name: "Spending power", exclusive: true });
    const high = await services.tags.create(
      ctx,
      CreateTagBody.parse({
        kind: "quantile",
        name: "high",
        groupId: group.id,
        definition: { metric: "total_spend", levels: [{ tagName: "high", topPercent: 20 }, { tagName: "medium", topPercent: 30 }, { tagName: "low" }] },
      }),
    );
    const { tags: all } = await services.tags.list(ctx);
    expect(all.map((t) => `${t.name}:${t.kind}`).sort()).toEqual(["high:quantile", "low:quantile", "medium:quantile"]);
    await expect(services.tags.assign(ctx, high.id, { profileIds: [ids.get("u1")!] })).rejects.toMatchObject({ code: "tags.not_manual", status: 409 });

    const first = await services.tags.recompute(ctx, high.id);
    expect(first).toMatchObject({ added: 9, removed: 0, holders: 2 });
    const names = async (user: string) => (await services.tags.tagsOf(ctx, ids.get(user)!)).map((t) => t.name);
    expect(await names("u9")).toEqual(["high"]);
    expect(await names("u7")).toEqual(["medium"]);
    expect(await names("u4")).toEqual(["low"]);
    expect(await names("u0")).toEqual([]);

    // u1 becomes the best customer: everyone above moves down a place.
    await setSpend((i) => (i === 1 ? 10_000 : i * 100));
    const before = (await readProfileEventsAfter(database.db, 0, 1_000_000)).length;
    const second = await services.tags.recompute(ctx, high.id);
    expect(await names("u1")).toEqual(["high"]);
    expect(await names("u8")).toEqual(["medium"]);
    expect(await names("u6")).toEqual(["medium"]);
    expect(await names("u5")).toEqual(["low"]);
    // u1 low → high, u8 high → medium, u5 medium → low: three moves, each one removal and one addition.
    expect(second).toMatchObject({ added: 3, removed: 3 });
    const after = (await readProfileEventsAfter(database.db, 0, 1_000_000)).slice(before);
    expect(after).toHaveLength(6);
    expect(await tagEvents(ctx, [ids.get("u8")!])).toEqual(["tag.added:high", "tag.removed:high", "tag.added:medium"]);
    // The warehouse copy follows the customers the recompute moved.
    const copied = await warehouse.query<{ profile_id: string; tag_id: string }>(
      "select profile_id::varchar as profile_id, tag_id::varchar as tag_id from profile_tags where workspace_id = $1::uuid and profile_id = $2::uuid",
      [ctx.workspaceId, ids.get("u1")!],
    );
    expect(copied).toEqual([{ profile_id: ids.get("u1"), tag_id: high.id }]);
    expect(await warehouseTags(ctx)).toHaveLength(9);

    // The operator edits the percentages: the scheme changes on every level.
    await services.tags.update(ctx, all.find((t) => t.name === "low")!.id, {
      definition: { metric: "total_spend", levels: [{ tagId: high.id, topPercent: 50 }, { tagName: "medium", topPercent: 50 }] },
    });
    const { tags: edited } = await services.tags.list(ctx);
    expect(edited.map((t) => `${t.name}:${t.kind}`).sort()).toEqual(["high:quantile", "low:manual", "medium:quantile"]);
  });
});

describe("rule tags", () => {
  it("follow their rule on recompute: the difference only, with an event per change", async () => {
    const ctx = await newWorkspace();
    const ids = await customers(ctx, 3);
    const views = (user: string, count: number, ip: string, daysAgo = 2) =>
      Array.from({ length: count }, () => msg({ type: "track", userId: user, event: "Product Viewed", properties: { ip } }, daysAgo));
    await services.ingest(ctx.workspaceId, [...views("u0", 3, "Molly"), ...views("u1", 2, "Molly"), ...views("u2", 5, "Labubu"), ...views("u2", 3, "Molly", 40)]);
    await drain();
    const load = async () => {
      await drainWarehouse({ db: database.db, warehouse });
      await refreshProfileSnapshot({ db: database.db, warehouse, workspaceId: ctx.workspaceId });
    };
    await load();
    const rule: SegmentRule = {
      type: "event",
      event: "Product Viewed",
      where: [{ property: "ip", op: "eq", value: "Molly" }],
      measure: { kind: "count" },
      op: "gte",
      value: 3,
      window: { kind: "in_last_days", days: 30 },
    };
    const molly = await services.tags.create(ctx, CreateTagBody.parse({ kind: "rule", name: "IP preference: Molly", definition: { rule } }));
    expect(await services.tags.recompute(ctx, molly.id)).toMatchObject({ added: 1, removed: 0, holders: 1 });
    expect((await services.tags.tagsOf(ctx, ids.get("u0")!)).map((t) => `${t.name}/${t.source}`)).toEqual(["IP preference: Molly/computed"]);

    // A recompute with nothing new changes nothing.
    expect(await services.tags.recompute(ctx, molly.id)).toMatchObject({ added: 0, removed: 0, holders: 1 });
    // u1 views once more (its third view in the window).
    await services.ingest(ctx.workspaceId, [...views("u1", 1, "Molly", 1)]);
    await drain();
    await load();
    clock.advance(29 * 86_400_000);
    const result = await services.tags.recompute(ctx, molly.id);
    clock.advance(-29 * 86_400_000);
    // 29 days on, u0's and u1's views two days old have left the window; u1's newest one alone is not enough.
    expect(result).toMatchObject({ added: 0, removed: 1, holders: 0 });
    expect(await tagEvents(ctx, [ids.get("u0")!])).toEqual(["tag.added:IP preference: Molly", "tag.removed:IP preference: Molly"]);
    // Back to today: u0 again, and u1 with its third view.
    const again = await services.tags.recompute(ctx, molly.id);
    expect(again).toMatchObject({ added: 2, removed: 0, holders: 2 });
    expect((await services.tags.tagsOf(ctx, ids.get("u1")!)).map((t) => t.name)).toEqual(["IP preference: Molly"]);
  });

  it("the schedule recomputes computed tags once their workspace's interval has passed", async () => {
    const ctx = await newWorkspace();
    await customers(ctx, 1);
    const rule: SegmentRule = { type: "event", event: "Never Happens", measure: { kind: "count" }, op: "gte", value: 1, window: { kind: "in_last_days", days: 1 } };
    const tag = await services.tags.create(ctx, CreateTagBody.parse({ kind: "rule", name: "Never", definition: { rule } }));
    await services.tags.updateSettings(ctx, { recomputeIntervalMinutes: 60 });
    await services.tags.recomputeDue();
    const computedAt = (await services.tags.get(ctx, tag.id)).lastComputedAt;
    expect(computedAt).toBe(clock.now().toISOString());
    clock.advance(30 * 60_000);
    await services.tags.recomputeDue();
    expect((await services.tags.get(ctx, tag.id)).lastComputedAt).toBe(computedAt);
    clock.advance(31 * 60_000);
    await services.tags.recomputeDue();
    expect((await services.tags.get(ctx, tag.id)).lastComputedAt).toBe(clock.now().toISOString());
  });
});

describe("warehouse copy", () => {
  it("replaces only the workspace's rows", async () => {
    const ctx = await newWorkspace();
    const otherWs = newId();
    await warehouse.transaction((tx) => tx.append("profile_tags", [[otherWs, newId(), newId()]]));
    await syncTagsToWarehouse({ db: database.db, warehouse, workspaceId: ctx.workspaceId });
    const [row] = await warehouse.query<{ n: bigint }>("select count(*) as n from profile_tags where workspace_id = $1::uuid", [otherWs]);
    expect(Number(row!.n)).toBe(1);
  });
});
