import { createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { sql } from "@siyu/storage/orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../../shared/sql-rows";
import { countingAdapter } from "../channels/counting-adapter.test-helpers";
import type { DeliveryResult } from "../channels/channel";
import { createChannelRegistry, type ChannelAdapters } from "../channels/registry";
import { type FakeHttpServer, type FakeRequest, startFakeHttpServer } from "../channels/testing";
import { runDispatchBatch } from "./dispatcher";
import { dispatcherTestbed } from "./dispatcher.test-helpers";

const bed = dispatcherTestbed();
const { clock, recorder, workspace, enabled, customer, template, queue, byKey, drain } = bed;

describe("delivery", () => {
  let receiver: FakeHttpServer;
  let url: string;
  const received: FakeRequest[] = [];
  const answers: number[] = [];
  beforeAll(async () => {
    receiver = await startFakeHttpServer((req) => {
      received.push(req);
      return { status: answers.shift() ?? 200, body: "" };
    });
    url = `${receiver.url}hooks`;
  });
  afterAll(() => receiver.close());

  const secret = `whsec_${Buffer.from("a-test-secret-of-enough-length!!").toString("base64")}`;

  /** Standard Webhooks verification, written from the spec: HMAC-SHA256 of `id.timestamp.body` with the base64-decoded secret. */
  function verifies(h: IncomingHttpHeaders, body: string): boolean {
    const signed = `${String(h["webhook-id"])}.${String(h["webhook-timestamp"])}.${body}`;
    const expected = createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64")).update(signed).digest("base64");
    return String(h["webhook-signature"])
      .split(" ")
      .some((s) => s === `v1,${expected}`);
  }

  it("a webhook is signed as Standard Webhooks says, retried with backoff on 5xx under the same id, then delivered", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: { webhook: { enabled: true, config: { secret }, dailyCap: null } }, retryBaseSeconds: 60, maxAttempts: 5 });
    const p = await customer(ws.id, {});
    received.length = 0;
    answers.push(503, 503);
    await queue([{ workspaceId: ws.id, key: "w", profileId: p, channel: "webhook", templateId: null, category: "service", address: url, variables: { event: { name: "Cart Abandoned" } } }]);
    const adapters = createChannelRegistry({ db: bed.db, clock });
    await drain(adapters);
    let o = (await byKey(ws.id)).get("w")!;
    expect([o.status, o.attempts, new Date(o.due_at!).toISOString()]).toEqual(["queued", 1, "2026-11-02T04:01:00.000Z"]);
    clock.advance(60_000);
    await drain(adapters);
    o = (await byKey(ws.id)).get("w")!;
    expect([o.status, o.attempts, new Date(o.due_at!).toISOString()]).toEqual(["queued", 2, "2026-11-02T04:03:00.000Z"]);
    clock.advance(120_000);
    await drain(adapters);
    o = (await byKey(ws.id)).get("w")!;
    expect([o.status, o.attempts]).toEqual(["delivered", 3]);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    for (const r of received) expect(verifies(r.headers, r.body)).toBe(true);
    expect(verifies({ ...received[0]!.headers }, received[0]!.body.replace("Cart", "Kart"))).toBe(false);
    const payload = JSON.parse(received[2]!.body) as { type: string; profileId: string; variables: { event: { name: string } } };
    expect(payload).toMatchObject({ type: "siyu.message", profileId: p, variables: { event: { name: "Cart Abandoned" } } });
  });

  it("410 fails a webhook for good; a receiver that keeps failing is given up after maxAttempts", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: { webhook: { enabled: true, config: {}, dailyCap: null } }, maxAttempts: 2, retryBaseSeconds: 1 });
    const p = await customer(ws.id, {});
    const adapters = createChannelRegistry({ db: bed.db, clock });
    received.length = 0;
    answers.push(410);
    await queue([{ workspaceId: ws.id, key: "gone", profileId: p, channel: "webhook", templateId: null, category: "service", address: url }]);
    await drain(adapters);
    clock.advance(3_600_000);
    expect(await drain(adapters)).toBe(0);
    expect(received).toHaveLength(1);
    answers.push(500, 500, 500);
    await queue([{ workspaceId: ws.id, key: "down", profileId: p, channel: "webhook", templateId: null, category: "service", address: url }]);
    await drain(adapters);
    clock.advance(60_000);
    await drain(adapters);
    clock.advance(3_600_000);
    expect(await drain(adapters)).toBe(0);
    const o = await byKey(ws.id);
    expect([o.get("gone")?.status, o.get("gone")?.attempts, o.get("gone")?.error]).toEqual(["failed", 1, "410 Gone: the receiver asked not to be called again"]);
    expect([o.get("down")?.status, o.get("down")?.attempts, o.get("down")?.error]).toEqual(["failed", 2, "HTTP 500"]);
    answers.length = 0;
  });

  it("a dispatcher that dies between `sending` and the outcome: after the lease the message is sent again with the same id, and the late outcome changes nothing", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: enabled("inbox") });
    const p = await customer(ws.id, {}, [{ channel: "inbox", purpose: "service", granted: true }]);
    const t = await template(ws.id, "inbox", "service", "Your order shipped");
    await queue([{ workspaceId: ws.id, key: "x", profileId: p, channel: "inbox", templateId: t, category: "service" }]);
    let release: (r: DeliveryResult) => void = () => {};
    const hung = recorder(["inbox"], () => new Promise<DeliveryResult>((resolve) => (release = resolve)));
    const first = runDispatchBatch(bed.db, clock, hung.adapters, 10, { leaseMs: 60_000 });
    while (hung.sent.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect((await byKey(ws.id)).get("x")?.status).toBe("sending");
    const second = recorder(["inbox"]);
    expect(await drain(second.adapters, { leaseMs: 60_000 })).toBe(0); // the lease still holds
    clock.advance(61_000);
    await drain(second.adapters, { leaseMs: 60_000 });
    expect(second.sent.map((m) => [m.id, m.attempt])).toEqual([[hung.sent[0]!.id, 2]]);
    release({ status: "failed", error: "late" });
    await first;
    const o = (await byKey(ws.id)).get("x")!;
    expect([o.status, o.attempts, o.error]).toEqual(["delivered", 2, null]);
  });

  it("two dispatchers running at once deliver every message exactly once, to the inbox", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: enabled("inbox") });
    const p = await customer(ws.id, {}, [{ channel: "inbox", purpose: "service", granted: true }]);
    const t = await template(ws.id, "inbox", "service", "#{{ n }}");
    await queue(Array.from({ length: 40 }, (_, i) => ({ workspaceId: ws.id, key: `n${i}`, profileId: p, channel: "inbox" as const, templateId: t, category: "service" as const, variables: { n: i } })));
    const inbox = createChannelRegistry({ db: bed.db, clock }).inbox!;
    const { adapter, counted } = countingAdapter(inbox);
    const counting: ChannelAdapters = { inbox: adapter };
    await Promise.all([runDispatchBatch(bed.db, clock, counting, 15), runDispatchBatch(bed.db, clock, counting, 15), drain(counting)]);
    await drain(counting);
    expect(counted.size).toBe(40);
    expect([...counted.values()].every((n) => n === 1)).toBe(true);
    const page = await bed.services.messaging.inbox.list(ws.ctx, p, { limit: 100 });
    expect(page.items).toHaveLength(40);
    expect(page.unread).toBe(40);
  });

  it("one batch's outcomes are recorded each on its own message: delivered, retried, failed, allowance spent, and a whole-batch channel", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: enabled("sms", "inbox"), retryBaseSeconds: 60, maxAttempts: 3 });
    const p = await customer(ws.id, { phone: "+8613800000001" }, [{ channel: "sms", purpose: "service", granted: true }, { channel: "inbox", purpose: "service", granted: true }]);
    const t = await template(ws.id, "sms", "service", "#{{ n }}");
    const ti = await template(ws.id, "inbox", "service", "inbox #{{ n }}");
    const answers: Record<string, DeliveryResult> = {
      ok: { status: "delivered", providerId: "prov-1" },
      later: { status: "retry", error: "429 slow down", retryAfterMs: 120_000 },
      bad: { status: "failed", error: "invalid number" },
      spent: { status: "failed", error: "send allowance exhausted for this customer" },
    };
    const sms = recorder(["sms"], (m) => answers[String((m.rendered.body.match(/#(\w+)/) ?? [])[1])]!);
    const inbox = createChannelRegistry({ db: bed.db, clock }).inbox!;
    const adapters: ChannelAdapters = { ...sms.adapters, inbox };
    await queue([
      ...Object.keys(answers).map((key) => ({ workspaceId: ws.id, key, profileId: p, channel: "sms" as const, templateId: t, category: "service" as const, variables: { n: key } })),
      { workspaceId: ws.id, key: "in-app", profileId: p, channel: "inbox" as const, templateId: ti, category: "service" as const, variables: { n: "x" } },
    ]);
    const report = await runDispatchBatch(bed.db, clock, adapters, 100);
    expect([report.taken, report.delivered, report.retried, report.failed, report.suppressed.send_allowance]).toEqual([5, 2, 1, 1, 1]);
    const o = await byKey(ws.id);
    const row = (k: string) => [o.get(k)?.status, o.get(k)?.reason, o.get(k)?.attempts, o.get(k)?.error];
    expect(row("ok")).toEqual(["delivered", null, 1, null]);
    expect(row("later")).toEqual(["queued", null, 1, "429 slow down"]);
    expect(new Date(o.get("later")!.due_at!).toISOString()).toBe("2026-11-02T04:02:00.000Z");
    expect(row("bad")).toEqual(["failed", null, 1, "invalid number"]);
    expect(row("spent")).toEqual(["suppressed", "send_allowance", 1, "send allowance exhausted for this customer"]);
    expect(row("in-app")).toEqual(["delivered", null, 1, null]);
    const [provider] = await rows<{ provider_id: string | null }>(bed.db, sql`select provider_id from messages where workspace_id = ${ws.id}::uuid and idempotency_key = 'ok'`);
    expect(provider?.provider_id).toBe("prov-1");
    const page = await bed.services.messaging.inbox.list(ws.ctx, p, { limit: 10 });
    expect(page.items.map((i) => i.body)).toEqual(["inbox #x"]);
  });

  it("record trigger → channel latency for each message handed over", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: enabled("inbox") });
    const p = await customer(ws.id, {}, []);
    const t = await template(ws.id, "inbox", "service", "hi");
    await queue([{ workspaceId: ws.id, key: "l", profileId: p, channel: "inbox", templateId: t, category: "service", triggeredAt: new Date("2026-11-02T03:59:30Z") }]);
    const samples: { channel: string; seconds: number }[] = [];
    const report = await runDispatchBatch(bed.db, clock, createChannelRegistry({ db: bed.db, clock }), 10, { onHandedOver: (s) => samples.push(s) });
    expect(samples).toEqual([{ channel: "inbox", seconds: 30 }]);
    expect(report.latencies).toEqual(samples);
  });
});
