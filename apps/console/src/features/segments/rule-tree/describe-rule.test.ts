import type { SegmentRule } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import type { TranslateFn } from "../../../lib/i18n";
import { translate } from "../../../lib/i18n/translate";
import { segmentsEn } from "../locales/en";
import { segmentsZhCN } from "../locales/zh-CN";
import { describeRule } from "./describe-rule";

const tEn: TranslateFn = (key, params) => translate(segmentsEn, segmentsEn, key, params);
const tZh: TranslateFn = (key, params) => translate(segmentsZhCN, segmentsEn, key, params);

const rule: SegmentRule = {
  type: "and",
  rules: [
    { type: "trait", trait: "city", op: "eq", value: "Shanghai" },
    { type: "trait", trait: "order_count", op: "gte", value: 1 },
    {
      type: "event",
      event: "Product Viewed",
      measure: { kind: "count" },
      op: "gte",
      value: 2,
      window: { kind: "in_last_days", days: 30 },
    },
    { type: "or", rules: [{ type: "lifecycle", stages: ["new", "growing"] }, { type: "not", rule: { type: "value_tier", tiers: ["none"] } }] },
  ],
};

describe("describeRule", () => {
  it("reads a segment's definition in English", () => {
    expect(describeRule(rule, { t: tEn, traitLabel: (key) => (key === "order_count" ? "Orders" : undefined) })).toBe(
      "city is “Shanghai” and Orders ≥ 1 and number of “Product Viewed” ≥ 2, in the last 30 days and " +
        "(lifecycle stage is New or Growing or not (value tier is No spend))",
    );
  });

  it("reads it in Chinese", () => {
    const text = describeRule(rule, { t: tZh });
    expect(text).toContain("city 等于 “Shanghai” 且 order_count ≥ 1");
    expect(text).toContain("最近 30 天内“Product Viewed”的次数 ≥ 2");
  });

  it("says who an empty rule matches", () => {
    expect(describeRule({ type: "and", rules: [] }, { t: tEn })).toBe("every customer");
  });
});
