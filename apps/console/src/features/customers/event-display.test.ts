import { describe, expect, it } from "vitest";
import { formatValue, sortTraits, summariseProperties, timelineEventName } from "./event-display";

describe("timelineEventName", () => {
  it("names track calls by their event and others by their type", () => {
    expect(timelineEventName({ type: "track", event: "Order Completed" })).toBe("Order Completed");
    expect(timelineEventName({ type: "identify", event: null })).toBe("identify");
    expect(timelineEventName({ type: "track", event: null })).toBe("track");
  });
});

describe("formatValue", () => {
  it("shows scalars plainly and structures as JSON", () => {
    expect(formatValue("王小明")).toBe("王小明");
    expect(formatValue(18.5)).toBe("18.5");
    expect(formatValue(false)).toBe("false");
    expect(formatValue(null)).toBe("—");
    expect(formatValue("")).toBe('""');
    expect(formatValue({ sku: "A1", qty: 2 })).toBe('{"sku":"A1","qty":2}');
    expect(formatValue([1, 2])).toBe("[1,2]");
  });

  it("cuts long values", () => {
    const text = formatValue("x".repeat(200), 10);
    expect(text).toHaveLength(10);
    expect(text.endsWith("…")).toBe(true);
  });
});

describe("summariseProperties", () => {
  it("keeps the first entries and counts the rest", () => {
    const props = { a: 1, b: "two", c: { d: 3 }, e: 4 };
    expect(summariseProperties(props, 2)).toEqual({ entries: [["a", "1"], ["b", "two"]], hidden: 2 });
    expect(summariseProperties({}, 2)).toEqual({ entries: [], hidden: 0 });
  });
});

describe("sortTraits", () => {
  it("puts well-known traits first", () => {
    expect(sortTraits({ zeta: 1, phone: "x", alpha: 2, name: "n" }).map(([k]) => k)).toEqual(["name", "phone", "alpha", "zeta"]);
  });
});
