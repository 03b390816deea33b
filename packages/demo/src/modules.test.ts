import { describe, expect, it } from "vitest";
import { generateDemoBrand } from "./brand";
import { createDemoModuleRegistry, defineDemoModule, demoModuleRng, runDemoModule } from "./modules";

const brand = generateDemoBrand({ seed: 3, memberCount: 300 });

// A toy module in the shape later modules take: one order count per member on a per-member fork.
const orders = defineDemoModule({
  name: "orders",
  generate: (b, rng) =>
    b.members.map((m) => {
      const memberRng = rng.fork(m.key);
      return { memberKey: m.key, orders: memberRng.int(0, Math.ceil(m.persona.visitRate * 12)) };
    }),
});
const checkIns = defineDemoModule({
  name: "check-ins",
  generate: (b, rng) => b.members.filter(() => rng.chance(0.3)).map((m) => m.key),
});

describe("demo modules", () => {
  it("gives a module the same numbers whatever else is registered, and in any order", () => {
    const alone = createDemoModuleRegistry([orders]).run(brand);
    const withOthers = createDemoModuleRegistry([checkIns, { name: "no-generator" }, orders]).run(brand);
    expect(withOthers.orders).toEqual(alone.orders);
    expect(Object.keys(withOthers)).toEqual(["check-ins", "orders"]);
  });

  it("does not change the brand itself", () => {
    const before = JSON.stringify(brand);
    createDemoModuleRegistry([orders, checkIns]).run(brand);
    expect(JSON.stringify(brand)).toBe(before);
    expect(JSON.stringify(generateDemoBrand({ seed: 3, memberCount: 300 }))).toBe(before);
  });

  it("runs a single module on its own stream, typed", () => {
    const result = runDemoModule(brand, orders);
    expect(result).toHaveLength(300);
    expect(result?.[0]?.memberKey).toBe("demo-m-000001");
    expect(runDemoModule(brand, { name: "empty" })).toBeUndefined();
    expect(demoModuleRng(3, "orders").next()).toBe(demoModuleRng(3, "orders").next());
    expect(demoModuleRng(3, "orders").next()).not.toBe(demoModuleRng(3, "loyalty").next());
  });

  it("refuses duplicate and malformed names", () => {
    expect(() => createDemoModuleRegistry([orders, orders])).toThrow(/already registered/);
    expect(() => createDemoModuleRegistry().register({ name: "Loyalty" })).toThrow(/kebab-case/);
    expect(() => defineDemoModule({ name: "" })).toThrow(/kebab-case/);
    expect(createDemoModuleRegistry().register(orders).register(checkIns).list().map((m) => m.name)).toEqual([
      "orders",
      "check-ins",
    ]);
  });
});
