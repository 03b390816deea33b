import type { JourneyNode } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import type { TranslateFn } from "../../../lib/i18n";
import { translate } from "../../../lib/i18n/translate";
import { journeysEn } from "../locales/en";
import { journeysZhCN } from "../locales/zh-CN";
import { formatMinutes, summarizeNode, type SummaryContext } from "./node-summary";

const tEn: TranslateFn = (key, params) => translate(journeysEn, journeysEn, key, params);
const tZh: TranslateFn = (key, params) => translate(journeysZhCN, journeysEn, key, params);
const TPL = "0190f5c2-0000-7000-8000-000000000001";
const names: SummaryContext["name"] = (kind, id) => (kind === "message_template" && id === TPL ? "Cart reminder" : undefined);
const at = { x: 0, y: 0 };
const en = (node: JourneyNode) => summarizeNode(node, { t: tEn, name: names });

describe("node summaries", () => {
  it("reads durations in the largest whole unit", () => {
    expect([30, 120, 2880, 90].map((m) => formatMinutes(m, tEn))).toEqual(["30 min", "2 h", "2 d", "90 min"]);
  });

  it("says what each node does in one line", () => {
    expect(en({ id: "w", type: "wait", position: at, wait: { kind: "until_event", event: "Order Completed", where: [], timeoutMinutes: 30 } })).toBe("Wait until Order Completed · 30 min");
    expect(en({ id: "w", type: "wait", position: at, wait: { kind: "until_time", at: "10:00", weekdays: [3, 1] } })).toBe("Wait until 10:00, Mon, Wed");
    expect(en({ id: "t", type: "trigger", position: at, trigger: { kind: "event", event: "Product Viewed", where: [{ property: "price", op: "gte", value: 200 }], count: { atLeast: 6, withinDays: 7 } } })).toBe(
      "When Product Viewed ≥ 6× in 7 d where price ≥ 200",
    );
    expect(en({ id: "t", type: "trigger", position: at, trigger: { kind: "date_trait", trait: "birthday", anniversary: true, offsetDays: -3, at: "09:00" } })).toBe("birthday anniversary, 3 d before, at 09:00");
    expect(en({ id: "a", type: "action", position: at, action: { kind: "send", channel: "sms", templateId: TPL, category: "targeted" } })).toBe("SMS: Cart reminder");
    expect(en({ id: "s", type: "split", position: at, branches: [{ key: "a", label: "Coupon", percent: 70 }, { key: "b", label: "", percent: 30 }] })).toBe("Coupon 70% / b 30%");
    expect(en({ id: "c", type: "condition", position: at, condition: { kind: "coupon_held", templateId: null } })).toBe("Holds a coupon: any");
    expect(en({ id: "x", type: "exit", position: at })).toBe("End of the journey");
  });

  it("falls back to a short id for unknown references and translates", () => {
    const node: JourneyNode = { id: "a", type: "action", position: at, action: { kind: "add_tag", tagId: "0190f5c2-1111-7000-8000-000000000001" } };
    expect(en(node)).toBe("Add tag 0190f5c2");
    expect(summarizeNode({ id: "w", type: "wait", position: at, wait: { kind: "duration", minutes: 60 } }, { t: tZh })).toBe("等待 1 小时");
  });
});
