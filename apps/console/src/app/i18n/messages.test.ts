import { describe, expect, it } from "vitest";
import { listPlaceholders } from "../../lib/i18n/translate";
import { DICTIONARY_PARTS, en, zhCN } from "./messages";

describe("console dictionaries", () => {
  it("have the same keys in every language", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it("never define a key in two places", () => {
    const owners = new Map<string, string>();
    const clashes: string[] = [];
    for (const part of DICTIONARY_PARTS) {
      for (const key of Object.keys(part.en)) {
        const owner = owners.get(key);
        if (owner) clashes.push(`${key} (${owner}, ${part.owner})`);
        owners.set(key, part.owner);
      }
    }
    expect(clashes).toEqual([]);
  });

  it("use the same placeholders in both languages and leave nothing blank", () => {
    const problems: string[] = [];
    for (const [key, english] of Object.entries(en)) {
      const chinese = zhCN[key as keyof typeof en];
      if (!english.trim() || !chinese.trim()) problems.push(`${key}: blank`);
      if (listPlaceholders(english).join() !== listPlaceholders(chinese).join()) problems.push(`${key}: placeholders`);
    }
    expect(problems).toEqual([]);
  });
});
