import { describe, expect, it } from "vitest";
import { SegmentRule, QuantileTagDefinition, type TagDto } from "@siyu/contracts";
import {
  DEFAULT_QUANTILE_FORM,
  definitionToQuantileForm,
  quantileFormToDefinition,
  segmentRuleToSimpleRule,
  simpleRuleToSegmentRule,
} from "./tag-definitions";

describe("the simple rule form", () => {
  it("makes a valid event rule and reads it back", () => {
    const form = { event: "Product Viewed", property: "ip", value: "Molly", minCount: 3, days: 30 };
    const rule = simpleRuleToSegmentRule(form);
    expect(SegmentRule.parse(rule)).toEqual({
      type: "event",
      event: "Product Viewed",
      where: [{ property: "ip", op: "eq", value: "Molly" }],
      measure: { kind: "count" },
      op: "gte",
      value: 3,
      window: { kind: "in_last_days", days: 30 },
    });
    expect(segmentRuleToSimpleRule(rule)).toEqual(form);
  });

  it("leaves out an empty property filter and gives up on richer rules", () => {
    expect(simpleRuleToSegmentRule({ event: "Order Completed", property: " ", minCount: 2, days: 90 })).not.toHaveProperty("where");
    expect(segmentRuleToSimpleRule({ type: "and", rules: [] })).toBeNull();
    expect(segmentRuleToSimpleRule(null)).toBeNull();
  });
});

describe("the quantile form", () => {
  it("defaults to spending power high 20 %, medium 30 %, low the rest, a valid definition", () => {
    const definition = quantileFormToDefinition(DEFAULT_QUANTILE_FORM);
    expect(QuantileTagDefinition.parse(definition)).toEqual({
      metric: "total_spend",
      levels: [{ tagName: "high", topPercent: 20 }, { tagName: "medium", topPercent: 30 }, { tagName: "low" }],
    });
  });

  it("names existing levels by id and reads a stored scheme back by name", () => {
    const tags = [{ id: "t-high", name: "high" }, { id: "t-low", name: "low" }] as TagDto[];
    const definition = quantileFormToDefinition({ metric: "order_count", windowDays: 365, levels: [{ tagName: "high", topPercent: 10 }, { tagName: "low" }] }, tags);
    expect(definition).toEqual({ metric: "order_count", windowDays: 365, levels: [{ tagId: "t-high", topPercent: 10 }, { tagId: "t-low" }] });
    expect(definitionToQuantileForm(definition, tags)).toEqual({
      metric: "order_count",
      event: undefined,
      windowDays: 365,
      levels: [{ tagName: "high", topPercent: 10 }, { tagName: "low", topPercent: null }],
    });
  });
});
