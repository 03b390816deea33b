import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JourneyEdge, JourneyGraph, JourneyNode } from "@siyu/contracts";
import { nodeHandles } from "@siyu/contracts";
import { couponOnEveryPath, reachableFrom, structuralProblems } from "./graph-validation";

const at = { x: 0, y: 0 };
const trigger = (id = "t"): JourneyNode => ({ id, type: "trigger", position: at, trigger: { kind: "api" } });
const exit = (id = "end"): JourneyNode => ({ id, type: "exit", position: at });
const wait = (id: string): JourneyNode => ({ id, type: "wait", position: at, wait: { kind: "duration", minutes: 5 } });
const act = (id: string, kind: "issue_coupon" | "award_points" = "award_points"): JourneyNode => ({
  id,
  type: "action",
  position: at,
  action: kind === "issue_coupon" ? { kind, templateId: "0190a000-0000-7000-8000-000000000000" } : { kind, points: 1, reason: "x" },
});
const cond = (id: string): JourneyNode => ({ id, type: "condition", position: at, condition: { kind: "coupon_held", templateId: null } });
const e = (from: string, to: string, handle = "next"): JourneyEdge => ({ from, to, handle });
const codes = (g: JourneyGraph) => structuralProblems(g).map((p) => `${p.code}@${p.nodeId}`);

describe("graph validation", () => {
  it("accepts a simple graph", () => {
    expect(codes({ nodes: [trigger(), act("a"), exit()], edges: [e("t", "a"), e("a", "end")] })).toEqual([]);
  });
  it("names each bad-graph class with its node", () => {
    expect(codes({ nodes: [exit()], edges: [] })).toEqual(["no_trigger@null"]);
    expect(codes({ nodes: [trigger(), trigger("t2"), exit()], edges: [e("t", "end"), e("t2", "end")] })).toContain("many_triggers@t2");
    expect(codes({ nodes: [trigger(), exit(), exit("x")], edges: [e("t", "end")] })).toEqual(["unreachable@x"]);
    expect(codes({ nodes: [trigger(), act("a"), exit()], edges: [e("t", "a")] })).toEqual(["dangling_handle@a", "unreachable@end"]);
    expect(codes({ nodes: [trigger(), exit()], edges: [e("t", "end"), e("t", "end", "yes")] })).toEqual(["unknown_handle@t"]);
    expect(codes({ nodes: [trigger(), exit()], edges: [e("t", "end"), e("t", "ghost", "next")] })).toContain("unknown_node@t");
    const loop = { nodes: [trigger(), act("a"), cond("c"), exit()], edges: [e("t", "a"), e("a", "c"), e("c", "a", "yes"), e("c", "end", "no")] };
    expect(codes(loop)).toEqual(["cycle_without_wait@a"]);
    // The same loop through a wait is fine.
    const waited = { nodes: [trigger(), act("a"), cond("c"), wait("w"), exit()], edges: [e("t", "a"), e("a", "c"), e("c", "w", "yes"), e("w", "a"), e("c", "end", "no")] };
    expect(codes(waited)).toEqual([]);
    const split: JourneyNode = { id: "s", type: "split", position: at, branches: [{ key: "a", label: "", percent: 60 }, { key: "b", label: "", percent: 30 }] };
    expect(codes({ nodes: [trigger(), split, exit()], edges: [e("t", "s"), e("s", "end", "a"), e("s", "end", "b")] })).toEqual(["split_percent@s"]);
  });
  it("coupon.* is available only where every path issued a coupon", () => {
    const g: JourneyGraph = {
      nodes: [trigger(), cond("c"), act("coupon", "issue_coupon"), act("join"), act("after"), exit()],
      edges: [e("t", "c"), e("c", "coupon", "yes"), e("c", "join", "no"), e("coupon", "join"), e("join", "after"), e("after", "end")],
    };
    const ok = couponOnEveryPath(g);
    expect(ok.has("join")).toBe(false);
    expect(ok.has("after")).toBe(false);
    const g2: JourneyGraph = { nodes: [trigger(), act("coupon", "issue_coupon"), cond("c"), act("x"), exit()], edges: [e("t", "coupon"), e("coupon", "c"), e("c", "x", "yes"), e("c", "end", "no"), e("x", "end")] };
    const ok2 = couponOnEveryPath(g2);
    expect([ok2.has("c"), ok2.has("x"), ok2.has("end"), ok2.has("coupon")]).toEqual([true, true, true, false]);
  });

  it("property: an accepted graph has every node reachable and no reachable cycle without a wait", () => {
    const kinds = ["wait", "action", "condition", "exit"] as const;
    const arbitraryGraph = fc
      .record({
        kinds: fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 8 }),
        targets: fc.array(fc.nat(20), { minLength: 40, maxLength: 40 }),
      })
      .map(({ kinds: ks, targets }) => {
        const nodes: JourneyNode[] = [trigger(), ...ks.map((k, i) => (k === "wait" ? wait(`n${i}`) : k === "action" ? act(`n${i}`) : k === "condition" ? cond(`n${i}`) : exit(`n${i}`)))];
        const edges: JourneyEdge[] = [];
        let ti = 0;
        for (const n of nodes) for (const h of nodeHandles(n)) edges.push(e(n.id, nodes[1 + (targets[ti++ % targets.length]! % (nodes.length - 1))]!.id, h));
        return { nodes, edges } satisfies JourneyGraph;
      });
    let accepted = 0;
    let refusedForCycles = 0;
    fc.assert(
      fc.property(arbitraryGraph, (g) => {
        const problems = structuralProblems(g);
        if (problems.some((p) => p.code === "cycle_without_wait")) refusedForCycles += 1;
        if (problems.length > 0) return;
        accepted += 1;
        const next = new Map<string, string[]>();
        for (const x of g.edges) next.set(x.from, [...(next.get(x.from) ?? []), x.to]);
        expect(reachableFrom("t", next).size).toBe(g.nodes.length);
        // No cycle of non-wait nodes: following instant edges from any node never returns to it.
        const isWait = new Set(g.nodes.filter((n) => n.type === "wait").map((n) => n.id));
        for (const n of g.nodes) {
          if (isWait.has(n.id)) continue;
          const seen = new Set<string>();
          const stack = [...(next.get(n.id) ?? [])].filter((x) => !isWait.has(x));
          while (stack.length) {
            const x = stack.pop()!;
            expect(x).not.toBe(n.id);
            if (seen.has(x)) continue;
            seen.add(x);
            for (const y of next.get(x) ?? []) if (!isWait.has(y)) stack.push(y);
          }
        }
      }),
      { numRuns: 500 },
    );
    // The generator reaches both sides of the property.
    expect(accepted).toBeGreaterThan(20);
    expect(refusedForCycles).toBeGreaterThan(20);
  });
});
