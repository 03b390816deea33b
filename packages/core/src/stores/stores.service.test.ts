import fc from "fast-check";
import { CreateStoreBody, StoreListQuery, UpdateStoreBody, type StoreDto } from "@siyu/contracts";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoreServices, type CoreServices } from "../services";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { fixedClock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { DomainError } from "../shared/domain-error";
import { newId } from "../shared/ids";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2025-03-01T08:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = createCoreServices({
    db: database.db,
    clock,
    settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 } },
  });
});
afterAll(async () => {
  await database?.close();
});

async function newWorkspace(): Promise<WorkspaceContext> {
  const workspace = await services.workspaces.create(
    { name: "Dumpling Co", timezone: "Asia/Shanghai", currency: "CNY" },
    { type: "system", id: null, name: "test" },
  );
  return { workspaceId: workspace.id, actor: { type: "operator", id: newId(), name: "Liu Yang" }, storeIds: null, ip: "203.0.113.7" };
}

function body(input: { code: string; name?: string; city?: string; status?: "open" | "closed"; address?: string | null }) {
  return CreateStoreBody.parse({ name: `Store ${input.code}`, city: "Shanghai", ...input });
}

function list(ctx: WorkspaceContext, query: Record<string, unknown> = {}) {
  return services.stores.list(ctx, StoreListQuery.parse({ limit: 200, ...query }));
}

const codes = (page: { items: StoreDto[] }) => page.items.map((s) => s.code).sort();

describe("store CRUD", () => {
  it("creates a store with the contract's defaults and gets it back", async () => {
    const ctx = await newWorkspace();
    const store = await services.stores.create(ctx, body({ code: "SH001", name: "Jing'an Temple", address: "1 Nanjing W Rd" }));
    expect(store).toMatchObject({
      code: "SH001",
      name: "Jing'an Temple",
      city: "Shanghai",
      address: "1 Nanjing W Rd",
      phone: null,
      status: "open",
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    expect(await services.stores.get(ctx, store.id)).toEqual(store);
  });

  it("updates only the given fields, moves updatedAt and audits only what changed", async () => {
    const ctx = await newWorkspace();
    const store = await services.stores.create(ctx, body({ code: "SH002", address: "88 Huaihai Rd" }));
    clock.advance(60_000);
    const updated = await services.stores.update(ctx, store.id, UpdateStoreBody.parse({ name: "Huaihai Flagship", status: "closed" }));
    expect(updated).toMatchObject({ id: store.id, code: "SH002", name: "Huaihai Flagship", status: "closed", address: "88 Huaihai Rd" });
    expect(updated.updatedAt).toBe(clock.now().toISOString());
    expect(updated.createdAt).toBe(store.createdAt);
    expect(await services.stores.get(ctx, store.id)).toEqual(updated);

    const { items } = await services.audit.list(ctx, { limit: 10, action: "store.updated" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      targetId: store.id,
      before: { name: "Store SH002", status: "open" },
      after: { name: "Huaihai Flagship", status: "closed" },
      ip: "203.0.113.7",
    });
  });

  it("keeps the fields a partial update leaves out, status included", async () => {
    const ctx = await newWorkspace();
    const store = await services.stores.create(ctx, body({ code: "SH005", status: "closed", address: "9 Fuxing Rd" }));
    const updated = await services.stores.update(ctx, store.id, UpdateStoreBody.parse({ name: "Renamed" }));
    expect(updated).toMatchObject({ name: "Renamed", status: "closed", address: "9 Fuxing Rd", city: "Shanghai", code: "SH005" });
    expect(await services.stores.get(ctx, store.id)).toMatchObject({ status: "closed", address: "9 Fuxing Rd" });
  });

  it("clears an optional field when given null", async () => {
    const ctx = await newWorkspace();
    const store = await services.stores.create(ctx, body({ code: "SH003", address: "1 Some Rd" }));
    const updated = await services.stores.update(ctx, store.id, UpdateStoreBody.parse({ address: null }));
    expect(updated.address).toBeNull();
    expect((await services.stores.get(ctx, store.id)).address).toBeNull();
  });

  it("removes a store: it is gone and the deletion is audited", async () => {
    const ctx = await newWorkspace();
    const store = await services.stores.create(ctx, body({ code: "SH004" }));
    await services.stores.remove(ctx, store.id);
    await expect(services.stores.get(ctx, store.id)).rejects.toMatchObject({ code: "stores.not_found", status: 404 });
    await expect(services.stores.remove(ctx, store.id)).rejects.toMatchObject({ code: "stores.not_found" });
    const { items } = await services.audit.list(ctx, { limit: 10, action: "store.deleted" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ targetId: store.id, before: { code: "SH004", name: "Store SH004" }, after: null });
  });

  it("a malformed or unknown id is stores.not_found", async () => {
    const ctx = await newWorkspace();
    for (const id of ["not-an-id", newId()]) {
      const error = await services.stores.get(ctx, id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: "stores.not_found", status: 404 });
      await expect(services.stores.update(ctx, id, { name: "x" })).rejects.toMatchObject({ code: "stores.not_found" });
    }
  });
});

describe("store codes", () => {
  it("are unique per workspace (stores.code_taken) on create and on update", async () => {
    const ctx = await newWorkspace();
    const first = await services.stores.create(ctx, body({ code: "GZ001" }));
    const second = await services.stores.create(ctx, body({ code: "GZ002" }));
    await expect(services.stores.create(ctx, body({ code: "GZ001" }))).rejects.toMatchObject({ code: "stores.code_taken", status: 409 });
    await expect(services.stores.update(ctx, second.id, { code: "GZ001" })).rejects.toMatchObject({ code: "stores.code_taken" });
    expect((await services.stores.get(ctx, second.id)).code).toBe("GZ002");
    // keeping its own code is no clash
    await expect(services.stores.update(ctx, first.id, { code: "GZ001", name: "Tianhe" })).resolves.toMatchObject({ name: "Tianhe" });
    expect(codes(await list(ctx))).toEqual(["GZ001", "GZ002"]);
  });

  it("may repeat in another workspace", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const a = await services.stores.create(mine, body({ code: "SZ001" }));
    const b = await services.stores.create(theirs, body({ code: "SZ001" }));
    expect(a.id).not.toBe(b.id);
    expect(codes(await list(mine))).toEqual(["SZ001"]);
    expect(codes(await list(theirs))).toEqual(["SZ001"]);
  });

  it("createMany creates all or nothing when one code is taken", async () => {
    const ctx = await newWorkspace();
    await services.stores.create(ctx, body({ code: "CD001" }));
    await expect(
      services.stores.createMany(ctx, [body({ code: "CD002" }), body({ code: "CD001" }), body({ code: "CD003" })]),
    ).rejects.toMatchObject({ code: "stores.code_taken", message: expect.stringContaining("CD001") });
    expect(codes(await list(ctx))).toEqual(["CD001"]);
    const created = await services.stores.createMany(ctx, [body({ code: "CD002" }), body({ code: "CD003" })]);
    expect(created.map((s) => s.code)).toEqual(["CD002", "CD003"]);
    expect(await services.stores.createMany(ctx, [])).toEqual([]);
  });

  // A batch that repeats a code must be refused by rule, not by the unique index (which would be a 500).
  it("createMany with the same code twice in one batch is stores.code_taken", async () => {
    const ctx = await newWorkspace();
    const error = await services.stores.createMany(ctx, [body({ code: "WH001" }), body({ code: "WH001" })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "stores.code_taken", status: 409 });
    expect(codes(await list(ctx))).toEqual([]);
  });
});

describe("listing stores", () => {
  it("pages through every store exactly once, for any number of stores and page size", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 8 }), async (count, limit) => {
        const ctx = await newWorkspace();
        const created = await services.stores.createMany(
          ctx,
          Array.from({ length: count }, (_, i) => body({ code: `P${String(i).padStart(3, "0")}` })),
        );
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await list(ctx, { limit, cursor });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((s) => s.id));
          cursor = page.nextCursor ?? undefined;
          pages += 1;
          expect(pages).toBeLessThanOrEqual(count + 1);
        } while (cursor);
        expect(seen).toHaveLength(count);
        expect(new Set(seen)).toEqual(new Set(created.map((s) => s.id)));
        expect(pages).toBe(Math.max(1, Math.ceil(count / limit)));
      }),
      { numRuns: 15 },
    );
  });

  it("starts from the first page when the cursor is not a store id", async () => {
    const ctx = await newWorkspace();
    await services.stores.createMany(ctx, [body({ code: "A1" }), body({ code: "A2" })]);
    expect(codes(await list(ctx, { cursor: "garbage" }))).toEqual(["A1", "A2"]);
  });

  it("searches name, code and city case-insensitively", async () => {
    const ctx = await newWorkspace();
    await services.stores.createMany(ctx, [
      body({ code: "HZ-WEST", name: "West Lake", city: "Hangzhou" }),
      body({ code: "SH-PUDONG", name: "Lujiazui Mall", city: "Shanghai" }),
      body({ code: "BJ-01", name: "Wangfujing", city: "Beijing" }),
      body({ code: "CD-01", name: "春熙路店", city: "成都" }),
    ]);
    expect(codes(await list(ctx, { q: "west" }))).toEqual(["HZ-WEST"]);
    expect(codes(await list(ctx, { q: "PUDONG" }))).toEqual(["SH-PUDONG"]);
    expect(codes(await list(ctx, { q: "bEiJ" }))).toEqual(["BJ-01"]);
    expect(codes(await list(ctx, { q: "春熙" }))).toEqual(["CD-01"]);
    expect(codes(await list(ctx, { q: "成都" }))).toEqual(["CD-01"]);
    expect(codes(await list(ctx, { q: "-01" }))).toEqual(["BJ-01", "CD-01"]);
    expect(codes(await list(ctx, { q: "nowhere" }))).toEqual([]);
  });

  it("treats % and _ (and \\) in the search literally", async () => {
    const ctx = await newWorkspace();
    await services.stores.createMany(ctx, [
      body({ code: "A_1", name: "Half-price" }),
      body({ code: "AB1", name: "50% off" }),
      body({ code: "AC1", name: "Back\\slash" }),
    ]);
    expect(codes(await list(ctx, { q: "%" }))).toEqual(["AB1"]);
    expect(codes(await list(ctx, { q: "_" }))).toEqual(["A_1"]);
    expect(codes(await list(ctx, { q: "A_1" }))).toEqual(["A_1"]);
    expect(codes(await list(ctx, { q: "0%" }))).toEqual(["AB1"]);
    expect(codes(await list(ctx, { q: "\\" }))).toEqual(["AC1"]);
  });

  it("filters by city and status", async () => {
    const ctx = await newWorkspace();
    await services.stores.createMany(ctx, [
      body({ code: "X1", city: "Xi'an" }),
      body({ code: "X2", city: "Xi'an", status: "closed" }),
      body({ code: "W1", city: "Wuhan" }),
    ]);
    expect(codes(await list(ctx, { city: "Xi'an" }))).toEqual(["X1", "X2"]);
    expect(codes(await list(ctx, { status: "closed" }))).toEqual(["X2"]);
    expect(codes(await list(ctx, { city: "Xi'an", status: "open" }))).toEqual(["X1"]);
  });
});

describe("store visibility", () => {
  it("a store manager sees only their stores and gets stores.not_found for the others", async () => {
    const owner = await newWorkspace();
    const [mine, other] = await services.stores.createMany(owner, [body({ code: "M1" }), body({ code: "M2" })]);
    const manager: WorkspaceContext = { ...owner, storeIds: [mine!.id] };
    expect((await list(manager)).items.map((s) => s.id)).toEqual([mine!.id]);
    expect((await services.stores.get(manager, mine!.id)).code).toBe("M1");
    await expect(services.stores.get(manager, other!.id)).rejects.toMatchObject({ code: "stores.not_found" });
    await expect(services.stores.update(manager, other!.id, { name: "Taken over" })).rejects.toMatchObject({ code: "stores.not_found" });
    await expect(services.stores.remove(manager, other!.id)).rejects.toMatchObject({ code: "stores.not_found" });
    expect((await services.stores.get(owner, other!.id)).name).toBe("Store M2");

    const none: WorkspaceContext = { ...owner, storeIds: [] };
    expect((await list(none)).items).toEqual([]);
  });

  it("another workspace's store is stores.not_found for get, update and remove, and stays unchanged", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const store = await services.stores.create(theirs, body({ code: "T1" }));
    await expect(services.stores.get(mine, store.id)).rejects.toMatchObject({ code: "stores.not_found", status: 404 });
    await expect(services.stores.update(mine, store.id, { name: "Hijacked" })).rejects.toMatchObject({ code: "stores.not_found" });
    await expect(services.stores.remove(mine, store.id)).rejects.toMatchObject({ code: "stores.not_found" });
    expect(await services.stores.get(theirs, store.id)).toEqual(store);
    expect((await list(mine)).items).toEqual([]);
    // a store manager's list of another workspace's ids shows nothing either
    expect((await list({ ...mine, storeIds: [store.id] })).items).toEqual([]);
  });

  it("findByCode finds only a visible store of the workspace", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const [a, b] = await services.stores.createMany(mine, [body({ code: "F1" }), body({ code: "F2" })]);
    await services.stores.create(theirs, body({ code: "F3" }));
    expect((await services.stores.findByCode(mine, "F1"))?.id).toBe(a!.id);
    expect(await services.stores.findByCode(mine, "f1")).toBeNull();
    expect(await services.stores.findByCode(mine, "F3")).toBeNull();
    expect(await services.stores.findByCode({ ...mine, storeIds: [a!.id] }, "F2")).toBeNull();
    expect((await services.stores.findByCode({ ...mine, storeIds: [b!.id] }, "F2"))?.id).toBe(b!.id);
  });

  it("existing() keeps only the ids of the workspace's own stores", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const a = await services.stores.create(mine, body({ code: "E1" }));
    const b = await services.stores.create(theirs, body({ code: "E1" }));
    expect(await services.stores.existing(mine, [a.id, b.id, "junk", newId()])).toEqual(new Set([a.id]));
    expect(await services.stores.existing(mine, [])).toEqual(new Set());
  });
});
