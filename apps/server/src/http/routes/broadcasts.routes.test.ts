import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BroadcastDto, BroadcastListDto, PlaybookListDto } from "@siyu/contracts";
import { addOperator, buildTestApp, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let segmentId: string;
let templateId: string;
let wecomTemplateId: string;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Broadcast brand");
  const ctx = { workspaceId: ws.workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
  segmentId = (await t.services.segments.create(ctx, { name: "Buyers", rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } })).id;
  templateId = (await t.services.messaging.templates.create(ctx, { name: "新品短信", channel: "sms", content: { "zh-CN": { body: "{{ profile.name }}，新品到店" } } })).id;
  wecomTemplateId = (await t.services.messaging.templates.create(ctx, { name: "新品企微", channel: "wecom", content: { "zh-CN": { body: "{{ profile.name }}，周末新品" } } })).id;
});
afterAll(async () => t.close());

const url = (path = "") => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const call = (method: "GET" | "POST", path: string, payload?: unknown, cookie = ws.ownerCookie) =>
  t.app.inject({ method, url: url(path), headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

describe("broadcasts API", () => {
  it("schedules, lists, reads and cancels a broadcast; an analyst reads but may not schedule", async () => {
    const startAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await call("POST", "/broadcasts", { name: "周末新品", segmentId, channel: "wecom", templateId: wecomTemplateId, startAt, repeatEveryDays: 7, perMinute: 500 });
    expect(created.statusCode, created.body).toBe(201);
    const b = created.json<BroadcastDto>();
    expect(b).toMatchObject({ status: "scheduled", repeatEveryDays: 7, perMinute: 500, category: "general", queued: 0 });
    expect(new Date(b.nextAt!).toISOString()).toBe(new Date(startAt).toISOString());

    const analyst = await addOperator(t, ws, "analyst");
    expect((await call("GET", "/broadcasts", undefined, analyst.cookie)).json<BroadcastListDto>().items.map((x) => x.id)).toEqual([b.id]);
    expect((await call("GET", `/broadcasts/${b.id}`, undefined, analyst.cookie)).json<BroadcastDto>().name).toBe("周末新品");
    expect((await call("POST", "/broadcasts", { name: "No", segmentId, channel: "sms", templateId }, analyst.cookie)).statusCode).toBe(403);

    const cancelled = await call("POST", `/broadcasts/${b.id}/cancel`, {});
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json<BroadcastDto>()).toMatchObject({ status: "cancelled", nextAt: null });
    const again = await call("POST", `/broadcasts/${b.id}/cancel`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("broadcasts.not_cancellable");
  });

  it("answers bad input with a 4xx naming the field", async () => {
    const throttle = await call("POST", "/broadcasts", { name: "X", segmentId, channel: "sms", templateId, perMinute: 0 });
    expect(throttle.statusCode).toBe(400);
    expect(throttle.body).toContain("perMinute");
    const segment = await call("POST", "/broadcasts", { name: "X", segmentId: templateId, channel: "sms", templateId });
    expect(segment.statusCode).toBe(422);
    expect(segment.json().error.code).toBe("broadcasts.segment_not_found");
    const past = await call("POST", "/broadcasts", { name: "X", segmentId, channel: "sms", templateId, startAt: "2020-01-01T00:00:00Z" });
    expect(past.statusCode).toBe(422);
    expect(past.json().error.code).toBe("broadcasts.start_in_past");
    expect((await call("GET", `/broadcasts/${templateId}`)).statusCode).toBe(404);
    const channel = await call("POST", "/broadcasts", { name: "X", segmentId, channel: "sms", templateId: wecomTemplateId });
    expect(channel.statusCode).toBe(422);
    expect(channel.json().error).toMatchObject({ code: "broadcasts.template_channel", details: { path: "templateId" } });
  });
});

describe("journey playbooks API", () => {
  it("lists the playbooks with what each needs", async () => {
    const res = await call("GET", "/journey-playbooks");
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<PlaybookListDto>().items;
    expect(items.length).toBe(8);
    expect(items.find((p) => p.key === "dormant_recall")?.needs).toEqual(["template:recall", "coupon_template", "segment"]);
  });
});
