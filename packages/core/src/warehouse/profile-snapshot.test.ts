import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { appendEvents } from "../events";
import { PROFILE_PROJECTOR } from "../profiles";
import { newId } from "../shared/ids";
import { refreshProfileSnapshot } from "./profile-snapshot";
import { drainWarehouse } from "./warehouse-loader";
import { message } from "./warehouse.fixtures";
import { readWarehouseOffset, WAREHOUSE_ANCHORS_OFFSET } from "./warehouse-offsets";

let database: TestDatabase;
let warehouse: Warehouse;

beforeAll(async () => {
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(async () => {
  await warehouse.close();
  await database.close();
});

// What the identity and profile projector would write, inserted directly.
const T = "2026-05-01T00:00:00Z";
async function addIdentifier(workspaceId: string, id: string, type: string, value: string, profileId: string) {
  await database.db.execute(sql`
    insert into identity_identifiers (id, workspace_id, type, value, profile_id, origin_profile_id, first_seen_at)
    values (${id}, ${workspaceId}, ${type}, ${value}, ${profileId}, ${profileId}, ${T})`);
}
async function addProfile(workspaceId: string, id: string, name: string, extra: { eventCount?: number; spendMinor?: number } = {}) {
  await database.db.execute(sql`
    insert into profiles (id, workspace_id, traits, name, phone, event_count, first_seen_at, last_seen_at, order_count,
                          total_spend_minor, last_order_at, created_at, updated_at)
    values (${id}, ${workspaceId}, ${JSON.stringify({ tier: "gold", name })}::jsonb, ${name}, '+8613800138000', ${extra.eventCount ?? 1},
            '2026-05-01T00:00:00.123456Z', ${T}, 1, ${extra.spendMinor ?? 0}, ${T}, ${T}, ${T})`);
}
async function anchor(workspaceId: string, seq: number, identifierId: string) {
  await database.db.execute(sql`insert into profile_event_anchors (seq, workspace_id, identifier_id) values (${seq}, ${workspaceId}, ${identifierId})`);
}
async function projectorAt(position: number) {
  await database.db.execute(sql`
    insert into events_consumer_offsets (consumer, position, updated_at) values (${PROFILE_PROJECTOR}, ${position}, now())
    on conflict (consumer) do update set position = excluded.position`);
}
async function seqOf(messageId: string): Promise<number> {
  const result = (await database.db.execute(sql`select seq from events_log where message_id = ${messageId}`)) as unknown as {
    rows: { seq: string | number }[];
  };
  return Number(result.rows[0]!.seq);
}

async function profileOfEvents(workspaceId: string): Promise<Record<string, string | null>> {
  const rows = await warehouse.query<{ message_id: string; profile_id: string | null }>(
    "select message_id, profile_id::varchar as profile_id from events_with_profile where workspace_id = $1::uuid",
    [workspaceId],
  );
  return Object.fromEntries(rows.map((r) => [r.message_id, r.profile_id]));
}

function orderOwners(workspaceId: string) {
  return warehouse.query("select order_id, profile_id::varchar as profile_id from order_events_with_profile where workspace_id = $1::uuid", [workspaceId]);
}

describe("profile snapshot", () => {
  const shop = newId();
  const [p1, p2, p3] = [newId(), newId(), newId()];
  const [i1, i2, i3] = [newId(), newId(), newId()];

  it("joins each event to its profile through the identifier the projector anchored it on", async () => {
    await appendEvents(database.db, shop, [
      message({ messageId: "e1", userId: "u1", ts: "2026-05-01T01:00:00Z" }),
      message({ messageId: "e2", userId: null, anonymousId: "a1", ts: "2026-05-01T02:00:00Z" }),
      message({ messageId: "e3", userId: "u2", ts: "2026-05-01T03:00:00Z" }),
      message({ messageId: "e4", userId: "u1", ts: "2026-05-01T04:00:00Z", event: "Order Completed", properties: { order_id: "o-4", total: 30 } }),
    ]);
    await addIdentifier(shop, i1, "user_id", "u1", p1);
    await addIdentifier(shop, i2, "anonymous_id", "a1", p2);
    await addIdentifier(shop, i3, "user_id", "u2", p3);
    await addProfile(shop, p1, "Li Lei", { eventCount: 1 });
    await addProfile(shop, p2, "Visitor");
    await addProfile(shop, p3, "Han Meimei", { spendMinor: 5950 });
    for (const [m, id] of [["e1", i1], ["e2", i2], ["e3", i3]] as const) await anchor(shop, await seqOf(m), id);
    // The projector has not reached e4 yet; the loader is ahead of it.
    await projectorAt(await seqOf("e3"));
    await drainWarehouse({ db: database.db, warehouse });

    expect(await refreshProfileSnapshot({ db: database.db, warehouse })).toEqual({ identifiers: 3, profiles: 3, anchored: 0 });
    expect(await profileOfEvents(shop)).toEqual({ e1: p1, e2: p2, e3: p3, e4: null });
    expect(await orderOwners(shop)).toEqual([{ order_id: "o-4", profile_id: null }]);
    const [profile] = await warehouse.query<Record<string, unknown>>(
      `select name, phone, event_count, total_spend_minor, first_seen_at, traits->>'$.tier' as tier, merged_into
       from profiles where id = $1::uuid`,
      [p3],
    );
    expect(profile).toEqual({
      name: "Han Meimei",
      phone: "+8613800138000",
      event_count: 1,
      total_spend_minor: 5950n,
      first_seen_at: new Date("2026-05-01T00:00:00.123Z"),
      tier: "gold",
      merged_into: null,
    });
    const [micros] = await warehouse.query<{ us: bigint }>("select epoch_us(first_seen_at) as us from profiles where id = $1::uuid", [p3]);
    expect(micros!.us % 1_000_000n).toBe(123_456n);
  });

  it("follows a merge, and anchors events loaded before the projector reached them", async () => {
    // a1 turned out to be u1: its identifier moves to p1 and p2 is absorbed; e4 is anchored on u1.
    await database.db.execute(sql`update identity_identifiers set profile_id = ${p1} where id = ${i2}`);
    await database.db.execute(sql`update profiles set merged_into = ${p1} where id = ${p2}`);
    await database.db.execute(sql`update profiles set event_count = 3 where id = ${p1}`);
    await anchor(shop, await seqOf("e4"), i1);
    await projectorAt(await seqOf("e4"));

    expect(await refreshProfileSnapshot({ db: database.db, warehouse })).toEqual({ identifiers: 3, profiles: 3, anchored: 1 });
    expect(await profileOfEvents(shop)).toEqual({ e1: p1, e2: p1, e3: p3, e4: p1 });
    // The order's copy in order_events is anchored with it.
    expect(await orderOwners(shop)).toEqual([{ order_id: "o-4", profile_id: p1 }]);
    expect(await readWarehouseOffset(warehouse, WAREHOUSE_ANCHORS_OFFSET)).toBe(await seqOf("e4"));

    // The analytical join a dashboard makes: events per live profile.
    const perProfile = await warehouse.query<{ name: string; events: bigint; profile_event_count: number }>(
      `select p.name, count(*) as events, any_value(p.event_count) as profile_event_count
       from events_with_profile e join profiles p on p.workspace_id = e.workspace_id and p.id = e.profile_id
       where e.workspace_id = $1::uuid and p.merged_into is null
       group by p.name order by p.name`,
      [shop],
    );
    expect(perProfile).toEqual([
      { name: "Han Meimei", events: 1n, profile_event_count: 1 },
      { name: "Li Lei", events: 3n, profile_event_count: 3 },
    ]);
  });

  it("refreshes one workspace without touching another's snapshot", async () => {
    const other = newId();
    const [q1, j1] = [newId(), newId()];
    await addIdentifier(other, j1, "user_id", "u1", q1);
    await addProfile(other, q1, "Other shop's u1");
    expect(await refreshProfileSnapshot({ db: database.db, warehouse, workspaceId: other })).toMatchObject({ identifiers: 1, profiles: 1 });

    await database.db.execute(sql`update profiles set name = 'Renamed' where id = ${q1}`);
    await database.db.execute(sql`update profiles set name = 'Li Lei (VIP)' where id = ${p1}`);
    await refreshProfileSnapshot({ db: database.db, warehouse, workspaceId: shop, pageSize: 2 });
    const names = await warehouse.query<{ name: string }>("select name from profiles where merged_into is null order by name");
    expect(names.map((r) => r.name)).toEqual(["Han Meimei", "Li Lei (VIP)", "Other shop's u1"]);
    const counts = await warehouse.query<{ workspace_id: string; n: bigint }>(
      "select workspace_id::varchar as workspace_id, count(*) as n from profile_identifiers group by all order by n",
    );
    expect(counts).toEqual([
      { workspace_id: other, n: 1n },
      { workspace_id: shop, n: 3n },
    ]);
  });
});

describe("first touches", () => {
  async function touchesOf(workspaceId: string): Promise<Record<string, string>> {
    const rows = await warehouse.query<{ kind: string; value: string }>("select kind, value from first_touches where workspace_id = $1::uuid", [workspaceId]);
    return Object.fromEntries(rows.map((r) => [r.kind, r.value]));
  }

  it("keep each identifier's first store, campaign source and name, across batches and late anchors", async () => {
    const shop = newId();
    const identifier = newId();
    const load = async (messages: Parameters<typeof message>[0][], anchored: boolean) => {
      await appendEvents(database.db, shop, messages.map(message));
      if (anchored) for (const m of messages) await anchor(shop, await seqOf(m.messageId!), identifier);
      await drainWarehouse({ db: database.db, warehouse, batchSize: 1 });
    };
    await load(
      [
        { messageId: "t1", ts: "2026-06-01T10:00:00Z", properties: { store_id: "sh-02" }, context: { campaign: { source: "douyin" } } },
        { messageId: "t2", ts: "2026-06-01T11:00:00Z", properties: { store_id: "sh-03" }, context: { campaign: { source: "tmall", name: "autumn" } } },
      ],
      true,
    );
    expect(await touchesOf(shop)).toEqual({ store: "sh-02", source: "douyin", campaign: "autumn" });

    // An earlier event that arrives later takes its place; a later one does not.
    await load(
      [
        { messageId: "t3", ts: "2026-06-01T09:00:00Z", properties: { store_id: "sh-01" } },
        { messageId: "t4", ts: "2026-06-02T00:00:00Z", context: { campaign: { name: "winter", source: "" } } },
      ],
      true,
    );
    expect(await touchesOf(shop)).toEqual({ store: "sh-01", source: "douyin", campaign: "autumn" });

    // Loaded before the projector anchored it: it counts once a refresh brings its anchor.
    await load([{ messageId: "t5", ts: "2026-06-01T08:00:00Z", context: { campaign: { name: "spring" } } }], false);
    expect((await touchesOf(shop)).campaign).toBe("autumn");
    await anchor(shop, await seqOf("t5"), identifier);
    await projectorAt(await seqOf("t5"));
    await refreshProfileSnapshot({ db: database.db, warehouse });
    expect(await touchesOf(shop)).toEqual({ store: "sh-01", source: "douyin", campaign: "spring" });
  });
});
