import { systemContext } from "@siyu/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../testing/test-app";
import { seedDemoWorkspace } from "./seed-demo";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe("demo catalogue", () => {
  it("gives the demo brand tea-brand goods with stock, a coupon for points and a lottery using them", async () => {
    const { workspace } = await seedDemoWorkspace(t.services, { memberCount: 50 });
    const ctx = systemContext(workspace.id);
    const items = await t.services.catalogue.listItems(ctx);
    expect(items.map((i) => i.sku ?? i.kind).sort()).toEqual(["GIFT-COLDBREW-01", "MERCH-TOTE-01", "MERCH-TUMBLER-01", "coupon"]);
    const [lottery] = await t.services.lottery.list(ctx);
    expect(lottery!.prizes.map((p) => p.kind)).toEqual(["points", "coupon", "goods", "goods", "none"]);
    const tote = items.find((i) => i.sku === "MERCH-TOTE-01")!;
    expect(lottery!.prizes.find((p) => p.kind === "goods" && p.itemId === tote.id)).toBeTruthy();
    expect(items.find((i) => i.sku === "GIFT-COLDBREW-01")).toMatchObject({ pointsCost: 600, cashMinor: 2990, stock: 100 });
  });
});
