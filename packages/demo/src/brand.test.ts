import { describe, expect, it } from "vitest";
import {
  DEMO_ARCHETYPE_PROFILES,
  DEMO_CHANNEL_WEIGHTS,
  DEMO_SOURCE_CHANNELS,
  DEMO_WECHAT_CHANNELS,
} from "./brand.defaults";
import { generateDemoBrand } from "./brand";
import { DEMO_PRODUCT_CATEGORIES } from "./menu";
import { MAINLAND_MOBILE_E164, isDemoPhone } from "./phones";

// One default brand shared by the statistical checks: 20,000 members.
const brand = generateDemoBrand();
const { members } = brand;
const share = (predicate: (m: (typeof members)[number]) => boolean) => members.filter(predicate).length / members.length;

describe("generateDemoBrand: determinism", () => {
  it("returns JSON-identical output for the same seed", () => {
    expect(JSON.stringify(generateDemoBrand())).toBe(JSON.stringify(brand));
    expect(generateDemoBrand({ seed: 5, memberCount: 500 })).toEqual(generateDemoBrand({ seed: 5, memberCount: 500 }));
  });

  it("gives different members for a different seed but the same stores and menu", () => {
    const a = generateDemoBrand({ seed: 1, memberCount: 200 });
    const b = generateDemoBrand({ seed: 2, memberCount: 200 });
    expect(a.members.map((m) => m.phone)).not.toEqual(b.members.map((m) => m.phone));
    expect(a.members.map((m) => m.name)).not.toEqual(b.members.map((m) => m.name));
    expect(b.stores.map((s) => [s.code, s.name, s.address])).toEqual(a.stores.map((s) => [s.code, s.name, s.address]));
    expect(b.menu).toEqual(a.menu);
  });

  it("pins the generated members so that an accidental change to existing streams shows up", () => {
    // If this fails, existing demo data would change for everyone: add new behaviour on a new
    // fork instead, or update the snapshot deliberately.
    expect(generateDemoBrand({ memberCount: 2 }).members[1]).toMatchInlineSnapshot(`
      {
        "birthday": "2002-10-29",
        "city": "杭州",
        "gender": "male",
        "homeStoreCode": "HZ-002",
        "isDemo": true,
        "key": "demo-m-000002",
        "name": "张浩诚",
        "persona": {
          "archetype": "occasional",
          "churnRisk": 0.125,
          "favouriteCategory": "纯茶",
          "priceSensitivity": 0.48,
          "sociability": 0,
          "visitRate": 0.57,
        },
        "phone": "+8615026979125",
        "registeredAt": "2026-10-03T06:53:11.638Z",
        "sourceChannel": "wecom",
        "wechat": {
          "openIdMiniProgram": "demo_oMoF-orygzZuR6ZEiqRyIZM5JNK0",
          "unionId": "demo_oUu9bZbZ8Ve_tV0IfNbkB_o2jkhJ",
        },
      }
    `);
  });

  it("never reads the clock: the default window is fixed", () => {
    expect(brand.window).toEqual({
      startDate: "2025-11-01",
      endDate: "2026-11-01",
      startsAt: "2025-10-31T16:00:00.000Z",
      endsAt: "2026-10-31T16:00:00.000Z",
    });
  });

  it("generates 20,000 members quickly", () => {
    const started = performance.now();
    generateDemoBrand({ seed: 99 });
    // Typically ~0.3 s; the bound is loose so a busy CI machine does not flake.
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("validates its options", () => {
    expect(() => generateDemoBrand({ memberCount: -1 })).toThrow(/memberCount/);
    expect(() => generateDemoBrand({ memberCount: 1.5 })).toThrow(/memberCount/);
    expect(() => generateDemoBrand({ seed: 0.5 })).toThrow(/seed/);
    expect(() => generateDemoBrand({ endDate: "2026-02-30" })).toThrow(/endDate/);
    expect(() => generateDemoBrand({ startDate: "2026-11-01", endDate: "2026-11-01" })).toThrow(/before/);
    expect(generateDemoBrand({ memberCount: 0 }).members).toEqual([]);
  });

  it("honours a custom window", () => {
    const custom = generateDemoBrand({ memberCount: 300, startDate: "2024-03-01", endDate: "2024-06-01" });
    expect(custom.window.startsAt).toBe("2024-02-29T16:00:00.000Z");
    for (const m of custom.members) {
      expect(m.registeredAt >= custom.window.startsAt && m.registeredAt < custom.window.endsAt).toBe(true);
    }
  });
});

describe("generateDemoBrand: workspace, stores and menu", () => {
  it("describes the demo workspace", () => {
    expect(brand.workspace).toEqual({
      name: "茶语时光 Demo",
      slug: "chayu-demo",
      timezone: "Asia/Shanghai",
      currency: "CNY",
      isDemo: true,
    });
  });

  it("has ~14 stores in several cities with unique, well-formed codes", () => {
    const codes = brand.stores.map((s) => s.code);
    expect(brand.stores.length).toBeGreaterThanOrEqual(12);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(brand.stores.map((s) => s.city)).size).toBeGreaterThanOrEqual(6);
    for (const store of brand.stores) {
      expect(store.code).toMatch(/^[A-Z]{2}-\d{3}$/);
      expect(store.name).toBe(`茶语时光·${store.name.slice(5)}`);
      expect(store.name).toContain(store.city);
      expect(store.address.startsWith(`${store.city}市`)).toBe(true);
      expect(store.phone).toMatch(/^\+86 \d{2,3} \d{4} \d{4}$/);
      expect(store.openedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(store.status === "closed").toBe(store.closedAt !== null);
    }
    const closed = brand.stores.filter((s) => s.status === "closed").length;
    expect(closed).toBeGreaterThanOrEqual(1);
    expect(closed).toBeLessThanOrEqual(2);
  });

  it("has a menu of ~25 products in every category, priced in whole fen", () => {
    expect(brand.menu.length).toBeGreaterThanOrEqual(20);
    expect(new Set(brand.menu.map((p) => p.sku)).size).toBe(brand.menu.length);
    expect(new Set(brand.menu.map((p) => p.category))).toEqual(new Set(DEMO_PRODUCT_CATEGORIES));
    for (const product of brand.menu) {
      expect(Number.isInteger(product.priceMinor)).toBe(true);
      expect(product.priceMinor).toBeGreaterThan(0);
    }
  });
});

describe("generateDemoBrand: members", () => {
  it("has 20,000 demo members by default with unique keys in registration order", () => {
    expect(members).toHaveLength(20_000);
    expect(members[0]?.key).toBe("demo-m-000001");
    expect(members.at(-1)?.key).toBe("demo-m-020000");
    expect(new Set(members.map((m) => m.key)).size).toBe(members.length);
    expect(members.every((m) => m.isDemo === true)).toBe(true);
    const outOfOrder = members.filter((m, i) => i > 0 && (members[i - 1]?.registeredAt ?? "") > m.registeredAt);
    expect(outOfOrder).toEqual([]);
  });

  it("gives every member a unique, valid mainland mobile number from the generator", () => {
    expect(new Set(members.map((m) => m.phone)).size).toBe(members.length);
    expect(members.filter((m) => !MAINLAND_MOBILE_E164.test(m.phone) || !isDemoPhone(m.phone))).toEqual([]);
  });

  it("uses Chinese-character names only", () => {
    expect(members.every((m) => /^\p{Script=Han}{2,4}$/u.test(m.name))).toBe(true);
  });

  it("registers members inside the window, more of them as time goes on", () => {
    const { startsAt, endsAt } = brand.window;
    expect(members.every((m) => m.registeredAt >= startsAt && m.registeredAt < endsAt)).toBe(true);
    const mid = new Date((Date.parse(startsAt) + Date.parse(endsAt)) / 2).toISOString();
    const firstHalf = share((m) => m.registeredAt < mid);
    expect(firstHalf).toBeGreaterThan(0.3);
    expect(firstHalf).toBeLessThan(0.45);
  });

  it("matches the channel weights within 1.5 points", () => {
    for (const channel of DEMO_SOURCE_CHANNELS) {
      expect(Math.abs(share((m) => m.sourceChannel === channel) - DEMO_CHANNEL_WEIGHTS[channel])).toBeLessThan(0.015);
    }
  });

  it("gives WeChat ids exactly to members who joined through WeChat", () => {
    const wrong = members.filter((m) =>
      m.wechat === null
        ? DEMO_WECHAT_CHANNELS.has(m.sourceChannel)
        : !DEMO_WECHAT_CHANNELS.has(m.sourceChannel) ||
          !/^demo_oU[A-Za-z0-9_-]{26}$/.test(m.wechat.unionId) ||
          !/^demo_oM[A-Za-z0-9_-]{26}$/.test(m.wechat.openIdMiniProgram),
    );
    expect(wrong).toEqual([]);
    const unionIds = members.flatMap((m) => (m.wechat ? [m.wechat.unionId] : []));
    expect(new Set(unionIds).size).toBe(unionIds.length);
  });

  it("assigns a home store that was open on the registration day, mostly in the member's city", () => {
    const stores = new Map(brand.stores.map((s) => [s.code, s]));
    const misplaced = members.filter((m) => {
      const store = stores.get(m.homeStoreCode);
      if (!store) return true;
      const localDay = new Date(Date.parse(m.registeredAt) + 8 * 3_600_000).toISOString().slice(0, 10);
      return localDay < store.openedAt || (store.closedAt !== null && localDay >= store.closedAt);
    });
    expect(misplaced).toEqual([]);
    const sameCity = share((m) => stores.get(m.homeStoreCode)?.city === m.city);
    expect(sameCity).toBeGreaterThan(0.85);
    expect(sameCity).toBeLessThan(0.95);
    expect(new Set(members.map((m) => m.homeStoreCode))).toEqual(new Set(stores.keys()));
  });

  it("draws birthdays for ages 16–55, skewed young, and a mostly female clientele", () => {
    const endYearDate = "2026-10-31";
    const ageAt = (birthday: string) => {
      const years = Number(endYearDate.slice(0, 4)) - Number(birthday.slice(0, 4));
      return endYearDate.slice(5) >= birthday.slice(5) ? years : years - 1;
    };
    const ages = members.map((m) => ageAt(m.birthday));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(16);
    expect(Math.max(...ages)).toBeLessThanOrEqual(55);
    const under31 = ages.filter((a) => a <= 30).length / ages.length;
    expect(under31).toBeGreaterThan(0.6);
    const female = share((m) => m.gender === "female");
    expect(female).toBeGreaterThan(0.63);
    expect(female).toBeLessThan(0.73);
  });

  it("has a loyal core near 15 % and many one-timers", () => {
    expect(Math.abs(share((m) => m.persona.archetype === "loyal_core") - DEMO_ARCHETYPE_PROFILES.loyal_core.share)).toBeLessThan(0.015);
    expect(share((m) => m.persona.archetype === "one_timer")).toBeGreaterThan(0.3);
  });

  it("spreads persona traits realistically", () => {
    const inUnit = (x: number) => x >= 0 && x <= 1;
    const odd = members.filter(
      ({ persona: p }) =>
        !(p.visitRate > 0) ||
        !inUnit(p.priceSensitivity) ||
        !inUnit(p.churnRisk) ||
        !inUnit(p.sociability) ||
        p.favouriteCategory === "周边",
    );
    expect(odd).toEqual([]);
    const meanRate = (archetype: string) => {
      const group = members.filter((m) => m.persona.archetype === archetype);
      return group.reduce((s, m) => s + m.persona.visitRate, 0) / group.length;
    };
    expect(meanRate("loyal_core")).toBeGreaterThan(2.5 * meanRate("regular"));
    expect(meanRate("regular")).toBeGreaterThan(2 * meanRate("occasional"));
    expect(meanRate("occasional")).toBeGreaterThan(3 * meanRate("one_timer"));
  });
});
