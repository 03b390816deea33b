import { describe, expect, it } from "vitest";
import { changedFields, formatSnapshot } from "./audit-diff";

describe("changedFields", () => {
  it("lists fields that were added, removed or changed", () => {
    expect(
      changedFields(
        { name: "Tea", timezone: "Asia/Shanghai", tags: ["a"] },
        { name: "Tea House", timezone: "Asia/Shanghai", tags: ["a"], currency: "CNY" },
      ),
    ).toEqual(["currency", "name"]);
  });

  it("treats a missing side as empty", () => {
    expect(changedFields(null, { b: 1, a: 2 })).toEqual(["a", "b"]);
    expect(changedFields({ a: 1 }, null)).toEqual(["a"]);
    expect(changedFields(null, null)).toEqual([]);
  });

  it("compares nested values by content", () => {
    expect(changedFields({ s: { x: [1, 2] } }, { s: { x: [1, 2] } })).toEqual([]);
    expect(changedFields({ s: { x: [1, 2] } }, { s: { x: [2, 1] } })).toEqual(["s"]);
  });
});

describe("formatSnapshot", () => {
  it("pretty-prints JSON and shows a dash for none", () => {
    expect(formatSnapshot({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(formatSnapshot(null)).toBe("—");
  });
});
