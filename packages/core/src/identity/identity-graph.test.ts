import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { identifierKey, type Identifier } from "./identifiers";
import { edgeKey, resolveComponent, type IdentityEdge } from "./identity-graph";

const RULES = { maxPerProfile: { phone: 1, wechat_unionid: 1, user_id: 1 }, separations: [] };

const identifier = fc.record({
  type: fc.constantFrom("user_id", "anonymous_id", "phone", "wechat_unionid", "device_id"),
  value: fc.constantFrom("1", "2", "3", "4"),
});
const edge = fc.record({
  a: identifier,
  b: identifier,
  ts: fc.integer({ min: 0, max: 20 }),
  messageId: fc.string({ minLength: 1, maxLength: 3 }),
});
const edges = fc.uniqueArray(edge, { maxLength: 25, selector: (e) => edgeKey(e) }).map((list) =>
  list.filter((e) => identifierKey(e.a) !== identifierKey(e.b)),
);

function partition(groups: string[][]): string[] {
  return groups.map((g) => g.join("|")).sort();
}

describe("identity resolution", () => {
  it("gives the same people whatever order the links arrive in", () => {
    fc.assert(
      fc.property(edges, fc.nat(), (list, seed) => {
        const shuffled = [...list].sort((x, y) => ((edgeKey(x) + seed).localeCompare(edgeKey(y) + seed)));
        const reversed = [...list].reverse();
        const a = resolveComponent([], list, RULES);
        expect(partition(resolveComponent([], shuffled, RULES).groups)).toEqual(partition(a.groups));
        expect(partition(resolveComponent([], reversed, RULES).groups)).toEqual(partition(a.groups));
      }),
    );
  });

  it("never puts two phones, unionids or user ids in one person", () => {
    fc.assert(
      fc.property(edges, (list) => {
        for (const group of resolveComponent([], list, RULES).groups) {
          for (const type of ["phone", "wechat_unionid", "user_id"]) {
            expect(group.filter((key) => key.startsWith(`${type}\u0000`)).length).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });

  it("keeps an operator's split: the two sides never join again", () => {
    fc.assert(
      fc.property(edges, fc.array(identifier, { minLength: 1, maxLength: 3 }), fc.array(identifier, { minLength: 1, maxLength: 3 }), (list, left, right) => {
        const l = left.map(identifierKey);
        const r = right.map(identifierKey).filter((k) => !l.includes(k));
        const result = resolveComponent([], list, { ...RULES, separations: [{ id: "s1", left: l, right: r }] });
        for (const group of result.groups) {
          expect(group.some((k) => l.includes(k)) && group.some((k) => r.includes(k))).toBe(false);
        }
      }),
    );
  });

  it("judges conflicts by event time: the earlier link wins", () => {
    const anon: Identifier = { type: "anonymous_id", value: "a1" };
    const phoneA: Identifier = { type: "phone", value: "+8613800000001" };
    const phoneB: Identifier = { type: "phone", value: "+8613800000002" };
    const early: IdentityEdge = { a: anon, b: phoneB, ts: 1, messageId: "m2" };
    const late: IdentityEdge = { a: anon, b: phoneA, ts: 2, messageId: "m1" };
    const result = resolveComponent([], [late, early], RULES);
    expect(partition(result.groups)).toEqual(partition([[identifierKey(anon), identifierKey(phoneB)], [identifierKey(phoneA)]]));
    expect(result.verdicts.get(edgeKey(late))).toBe("conflict");
    expect(result.reasons.get(edgeKey(late))).toBe("a profile may hold at most 1 phone");
  });
});
