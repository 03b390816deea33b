import { describe, expect, it } from "vitest";
import { interpolate, listPlaceholders, translate } from "./translate";

const en = { "a.hello": "Hello, {name}!", "a.only_en": "Only English", "a.count": "{n} of {total}" };
const zh = { "a.hello": "你好，{name}！", "a.count": "第 {n} / {total}" };

describe("translate", () => {
  it("uses the active dictionary", () => {
    expect(translate(zh, en, "a.hello", { name: "小王" })).toBe("你好，小王！");
  });

  it("falls back to English when a key is missing", () => {
    expect(translate(zh, en, "a.only_en")).toBe("Only English");
  });

  it("falls back to the key when no dictionary has it", () => {
    expect(translate(zh, en, "a.nowhere")).toBe("a.nowhere");
  });

  it("interpolates numbers and leaves unknown placeholders visible", () => {
    expect(translate(en, en, "a.count", { n: 3, total: 10 })).toBe("3 of 10");
    expect(interpolate("{x} and {y}", { x: 1 })).toBe("1 and {y}");
    expect(interpolate("no params {x}")).toBe("no params {x}");
  });

  it("lists placeholders", () => {
    expect(listPlaceholders("{b} {a} text")).toEqual(["a", "b"]);
    expect(listPlaceholders("none")).toEqual([]);
  });
});
