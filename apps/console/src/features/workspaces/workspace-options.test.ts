import { describe, expect, it } from "vitest";
import { listCurrencies, listTimeZones, withValues } from "./workspace-options";

describe("workspace options", () => {
  it("keeps an unusual current value selectable", () => {
    expect(listCurrencies("VND")).toContain("VND");
    expect(listCurrencies("CNY").filter((c) => c === "CNY")).toHaveLength(1);
  });

  it("offers IANA time zones including the default", () => {
    const zones = listTimeZones();
    expect(zones).toContain("Asia/Shanghai");
    expect(zones).toContain("UTC");
    expect(new Set(zones).size).toBe(zones.length);
  });

  it("adds missing values once, in order", () => {
    expect(withValues(["a", "b"], ["b", undefined, "c", "c"])).toEqual(["a", "b", "c"]);
  });
});
