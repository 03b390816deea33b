import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainWarehouse } from "@siyu/core";
import { addOperator, buildTestApp, createApiKey, createWorkspace, seedCustomers, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Scores brand");
});
afterAll(() => t.close());

const url = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

describe("scores API", () => {
  it("serves the defaults, replaces them, and names the field of a bad setting", async () => {
    const got = await t.app.inject({ method: "GET", url: url("/scores/settings"), headers: { cookie: ws.ownerCookie } });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ rfm: { windowDays: 365, method: "quantiles" }, lifecycle: { newDays: 7, growingDays: 90, dormantDays: 90, churnedDays: 180 } });

    const put = await t.app.inject({
      method: "PUT",
      url: url("/scores/settings"),
      headers: { cookie: ws.ownerCookie },
      payload: { rfm: { windowDays: 180, method: "thresholds" }, valuePyramid: { basis: "spend", svipPercent: 5, vipPercent: 15 } },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ rfm: { windowDays: 180, method: "thresholds" }, valuePyramid: { svipPercent: 5 }, lifecycle: { newDays: 7 } });

    const bad = [
      [{ rfm: { thresholds: { recencyDays: [30, 20, 90, 180], frequencyOrders: [2, 3, 5, 8], monetaryAmount: [1, 2, 3, 4] } } }, "body.rfm.thresholds.recencyDays.1"],
      [{ lifecycle: { newDays: 30, growingDays: 20 } }, "body.lifecycle.growingDays"],
      [{ valuePyramid: { svipPercent: 150 } }, "body.valuePyramid.svipPercent"],
      [{ valuePyramid: { svipPercent: 50, vipPercent: 60 } }, "body.valuePyramid.vipPercent"],
      [{ rfm: { windowDays: 0 } }, "body.rfm.windowDays"],
      [{ rfm: { cellGrid: [["champions"]] } }, "body.rfm.cellGrid"],
      [{ rfm: { layerMap: { champions: "gold" } } }, "body.rfm.layerMap"],
    ] as const;
    for (const [payload, path] of bad) {
      const res = await t.app.inject({ method: "PUT", url: url("/scores/settings"), headers: { cookie: ws.ownerCookie }, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const details = res.json<{ error: { code: string; details: { path: string }[] } }>().error;
      expect(details.code).toBe("request.invalid");
      expect(details.details.map((d) => d.path).some((p) => p.startsWith(path)), `${path} in ${res.body}`).toBe(true);
    }
    // The bad requests changed nothing.
    const after = await t.app.inject({ method: "GET", url: url("/scores/settings"), headers: { cookie: ws.ownerCookie } });
    expect(after.json()).toMatchObject({ rfm: { windowDays: 180 } });
  });

  it("recomputes on demand and shows the result per customer and in the overviews", async () => {
    const ingest = await createApiKey(t, ws, "ingest");
    const seeded = await seedCustomers(t, ws, ingest.authorization);
    await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });

    const run = await t.app.inject({ method: "POST", url: url("/scores/recompute"), headers: { cookie: ws.ownerCookie }, payload: {} });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({ trigger: "manual", baseline: true, scored: 1, stages: { new: expect.any(Number) } });

    const card = await t.app.inject({ method: "GET", url: url(`/customers/${seeded.profileId}/scores`), headers: { cookie: ws.ownerCookie } });
    // Thresholds (set above): an order today of 32 → R 5, F 1, M 1 → FM 1 → new.
    expect(card.json()).toMatchObject({ profileId: seeded.profileId, r: 5, f: 1, m: 1, frequency: 1, monetary: 32, cell: "new", layer: "potential", lifecycleStage: "new", valueTier: "svip" });

    // The id of the profile the member absorbed answers with the member's scores.
    const ctx = { workspaceId: ws.workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
    const [merge] = await t.services.identity.mergesOf(ctx, seeded.profileId);
    const merged = await t.app.inject({ method: "GET", url: url(`/customers/${merge!.mergedProfileId}/scores`), headers: { cookie: ws.ownerCookie } });
    expect(merged.json()).toMatchObject({ profileId: seeded.profileId, cell: "new" });

    const rfm = await t.app.inject({ method: "GET", url: url("/scores/rfm"), headers: { cookie: ws.ownerCookie } });
    expect(rfm.json()).toMatchObject({ method: "thresholds", scored: 1, heatmap: [{ r: 5, f: 1, customers: 1, monetaryAvg: 32 }] });
    expect(rfm.json<{ layers: { layer: string; customers: number }[] }>().layers).toContainEqual({ layer: "potential", customers: 1, share: 1 });

    const lifecycle = await t.app.inject({ method: "GET", url: url("/scores/lifecycle"), headers: { cookie: ws.ownerCookie } });
    expect(lifecycle.statusCode).toBe(200);
    expect(lifecycle.json<{ stages: { stage: string }[] }>().stages.map((s) => s.stage)).toEqual(["new", "growing", "mature", "dormant", "churned"]);

    const pyramid = await t.app.inject({ method: "GET", url: url("/scores/value-pyramid"), headers: { cookie: ws.ownerCookie } });
    expect(pyramid.json()).toMatchObject({ basis: "spend", currency: "CNY" });
    expect(pyramid.json<{ tiers: { tier: string; customers: number }[] }>().tiers.find((x) => x.tier === "svip")?.customers).toBe(1);
  });

  it("lets analysts read and only managers change", async () => {
    const analyst = await addOperator(t, ws, "analyst");
    expect((await t.app.inject({ method: "GET", url: url("/scores/rfm"), headers: { cookie: analyst.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "PUT", url: url("/scores/settings"), headers: { cookie: analyst.cookie }, payload: {} })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "POST", url: url("/scores/recompute"), headers: { cookie: analyst.cookie }, payload: {} })).statusCode).toBe(403);
  });
});
