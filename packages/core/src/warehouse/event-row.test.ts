import { describe, expect, it } from "vitest";
import type { LoggedEvent } from "../events";
import { EVENT_COLUMNS, toEventRow } from "./event-row";

function logged(payload: Record<string, unknown>, type = "track"): LoggedEvent {
  return {
    seq: 42,
    workspaceId: "0190a000-0000-7000-8000-000000000001",
    messageId: "m-1",
    type,
    event: type === "track" ? "Order Completed" : null,
    userId: "u1",
    anonymousId: null,
    ts: new Date("2026-01-01T16:30:00Z"),
    receivedAt: new Date("2026-01-01T16:30:01Z"),
    payload,
  };
}

function row(e: LoggedEvent, identifierId: string | null = null) {
  const cells = toEventRow(e, identifierId);
  expect(cells).toHaveLength(EVENT_COLUMNS.length);
  return Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, cells[i]]));
}

describe("toEventRow", () => {
  it("extracts order fields the way the profile projector reads them, and not the sending platform as a channel", () => {
    const r = row(
      logged({ properties: { order_id: 1001, total: 59.5, revenue: 50, currency: "cny", store_id: "sh-01", product_id: "" }, channel: "server" }),
      "0190a000-0000-7000-8000-0000000000aa",
    );
    expect(r).toMatchObject({
      seq: 42n,
      identifier_id: "0190a000-0000-7000-8000-0000000000aa",
      order_id: "1001",
      revenue: 59.5,
      currency: "CNY",
      store_id: "sh-01",
      product_id: null,
      channel: null,
      page_name: null,
      traits: null,
      context: null,
    });
    expect(JSON.parse(r.properties as string)).toMatchObject({ order_id: 1001 });
  });

  it("falls back to revenue, and ignores amounts that are not numbers", () => {
    expect(row(logged({ properties: { revenue: 12 } })).revenue).toBe(12);
    expect(row(logged({ properties: { total: "12.00" } })).revenue).toBeNull();
    expect(row(logged({ properties: { total: Number.NaN } })).revenue).toBeNull();
  });

  it("names pages and reads library, channel and path from the context", () => {
    const r = row(
      logged({ name: "Menu", properties: { path: "/fallback" }, context: { page: { path: "/menu" }, library: { name: "analytics.js" }, channel: "browser" } }, "page"),
    );
    expect(r).toMatchObject({ page_name: "Menu", page_path: "/menu", library: "analytics.js", channel: "browser" });
    expect(row(logged({ properties: { channel: "wechat_friend" } })).channel).toBe("wechat_friend");
    expect(row(logged({ properties: { channel: "sms" }, context: { channel: "wecom" } })).channel).toBe("wecom");
    expect(row(logged({ properties: { name: "Home", path: "/" } }, "screen"))).toMatchObject({ page_name: "Home", page_path: "/" });
    // A track event's properties.name is a product's name, not a page.
    expect(row(logged({ properties: { name: "Oolong" } }))).toMatchObject({ page_name: null });
  });

  it("keeps identify traits as JSON", () => {
    expect(JSON.parse(row(logged({ traits: { phone: "13800138000" } }, "identify")).traits as string)).toEqual({ phone: "13800138000" });
  });
});
