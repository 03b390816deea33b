import { sql } from "@siyu/storage/orm";
import { afterAll, describe, expect, it } from "vitest";
import { newId } from "../../shared/ids";
import { enabledChannels } from "../messaging.settings";
import { templateFacts } from "../templates/templates.service";
import { unsubscribeByReply } from "../unsubscribe/unsubscribe.service";
import { claimDue, runDispatchBatch } from "./dispatcher";
import { dispatcherTestbed } from "./dispatcher.test-helpers";

const bed = dispatcherTestbed();
const { clock, recorder, workspace, enabled, customer, template, queue, outcomes, byKey, drain } = bed;

describe("the dispatcher's guards", () => {
  it("suppress each message with its reason, in order, and let the rest through", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: { ...enabled("sms", "email", "inbox", "wechat_subscribe"), inbox: { enabled: true, config: {}, dailyCap: 0 }, wecom: { enabled: false, config: {}, dailyCap: null } } });
    const granted = (channel: string) => ({ channel, purpose: "marketing" as const, granted: true });
    const full = await customer(ws.id, { phone: "13800138001", email: "Full@Example.com", wechat_openid: "oFULL", wechat_appid: "wxapp" }, [granted("sms"), granted("email"), granted("wechat_subscribe"), granted("inbox"), granted("wecom")]);
    const noPhone = await customer(ws.id, { email: "nophone@example.com" }, [granted("sms")]);
    const listed = await customer(ws.id, { phone: "13800138003" }, [granted("sms")]);
    const silent = await customer(ws.id, { phone: "13800138004", email: "silent@example.com" });
    const refused = await customer(ws.id, { phone: "13800138005", email: "refused@example.com" }, [
      { channel: "email", purpose: "marketing", granted: false },
      { channel: "sms", purpose: "service", granted: false },
    ]);
    // Entered as a national number: stored (and matched) in E.164.
    expect((await bed.services.messaging.suppressions.add(ws.ctx, { channel: "sms", address: "138 0013 8003", note: "" })).address).toBe("+8613800138003");

    const sms = await template(ws.id, "sms", "marketing", "{{ profile.name }}，新品上市");
    const smsService = await template(ws.id, "sms", "service", "您的订单已发货");
    const email = await template(ws.id, "email", "marketing", "Hello {{ profile.name }}");
    const wechat = await template(ws.id, "wechat_subscribe", "marketing", "", { params: { thing1: "{{ coupon.code }}" } });
    const inbox = await template(ws.id, "inbox", "marketing", "{{ profile.name }}");
    const gone = await template(ws.id, "sms", "service", "soon deleted");
    await bed.services.messaging.templates.remove(ws.ctx, gone);

    const base = { workspaceId: ws.id, templateId: sms, channel: "sms" as const, category: "targeted" as const };
    await queue([
      { ...base, key: "a-disabled", profileId: full, channel: "wecom", templateId: null },
      { ...base, key: "b-no-address", profileId: noPhone },
      { ...base, key: "c-listed", profileId: listed },
      { ...base, key: "d-no-consent", profileId: silent, channel: "email", templateId: email },
      { ...base, key: "e-unsubscribed", profileId: refused, channel: "email", templateId: email },
      { ...base, key: "f-service-no-record", profileId: silent, templateId: smsService, category: "service" },
      { ...base, key: "g-service-refused", profileId: refused, templateId: smsService, category: "service" },
      { ...base, key: "h1-targeted", profileId: full },
      { ...base, key: "h2-targeted-again", profileId: full, channel: "email", templateId: email },
      { ...base, key: "h3-general", profileId: full, channel: "wechat_subscribe", templateId: wechat, category: "general", variables: { coupon: { code: "TEA-8" } } },
      { ...base, key: "i-channel-cap", profileId: full, channel: "inbox", templateId: inbox, category: "service" },
      { ...base, key: "i2-channel-cap", profileId: silent, channel: "inbox", templateId: inbox, category: "general" },
      { ...base, key: "j-render-failed", profileId: full, templateId: gone, category: "service" },
      { ...base, key: "k-dry-run", profileId: full, templateId: smsService, category: "service", variables: { journey: { dryRun: true } } },
    ]);
    const { sent, adapters } = recorder(["sms", "email", "inbox", "wechat_subscribe", "wecom"]);
    await drain(adapters);
    const o = await byKey(ws.id);
    const verdict = (k: string) => [o.get(k)?.status, o.get(k)?.reason];
    expect(verdict("a-disabled")).toEqual(["suppressed", "channel_disabled"]);
    expect(verdict("b-no-address")).toEqual(["suppressed", "no_address"]);
    expect(verdict("c-listed")).toEqual(["suppressed", "suppression_list"]);
    expect(verdict("d-no-consent")).toEqual(["suppressed", "no_consent"]);
    expect(verdict("e-unsubscribed")).toEqual(["suppressed", "unsubscribed"]);
    expect(verdict("f-service-no-record")).toEqual(["delivered", null]);
    expect(verdict("g-service-refused")).toEqual(["suppressed", "unsubscribed"]);
    expect(verdict("h1-targeted")).toEqual(["delivered", null]);
    // One targeted push a day across channels; the general one still goes.
    expect(verdict("h2-targeted-again")).toEqual(["suppressed", "frequency_cap"]);
    expect(verdict("h3-general")).toEqual(["delivered", null]);
    // The inbox's cap of 0 stops marketing; a service message is not capped. (i2 has no inbox consent → no_consent comes first.)
    expect(verdict("i-channel-cap")).toEqual(["delivered", null]);
    expect(verdict("i2-channel-cap")).toEqual(["suppressed", "no_consent"]);
    expect(verdict("j-render-failed")).toEqual(["suppressed", "render_failed"]);
    expect(verdict("k-dry-run")).toEqual(["suppressed", "dry_run"]);

    const delivered = new Map(sent.map((m) => [m.channel + ":" + m.category, m]));
    expect(delivered.get("sms:targeted")?.address).toBe("+8613800138001");
    // Marketing SMS carry the carriers' unsubscribe wording; service SMS do not.
    expect(delivered.get("sms:targeted")?.rendered.body).toMatch(/^会员\d+，新品上市拒收请回复R$/);
    expect(delivered.get("sms:service")?.rendered.body).toBe("您的订单已发货");
    expect(delivered.get("wechat_subscribe:general")?.address).toBe("oFULL");
    expect(delivered.get("wechat_subscribe:general")?.rendered.params).toEqual({ thing1: "TEA-8" });
    expect(sent).toHaveLength(4);
  });

  it("match a long suppression list case-blind, probing its index per address instead of reading the whole list", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: enabled("email") });
    const granted = [{ channel: "email", purpose: "marketing" as const, granted: true }];
    const listed = await customer(ws.id, { email: "Tea.Lover@Example.com" }, granted);
    const free = await customer(ws.id, { email: "free@example.com" }, granted);
    // 20,000 addresses unsubscribed elsewhere, and this customer's, typed in another case.
    await bed.db.execute(sql`
      insert into messaging_suppressions (id, workspace_id, channel, address, note, created_at)
      select gen_random_uuid(), ${ws.id}::uuid, 'email', 'gone' || g || '@example.com', '', now() from generate_series(1, 20000) g`);
    await bed.services.messaging.suppressions.add(ws.ctx, { channel: null, address: "TEA.LOVER@example.COM", note: "asked by phone" });
    await bed.db.execute(sql`analyze messaging_suppressions`);

    const email = await template(ws.id, "email", "marketing", "Hello");
    await queue([
      { workspaceId: ws.id, key: "listed", profileId: listed, channel: "email", templateId: email, category: "general" },
      { workspaceId: ws.id, key: "free", profileId: free, channel: "email", templateId: email, category: "general" },
    ]);
    const { sent, adapters } = recorder(["email"]);
    await drain(adapters);
    const o = await byKey(ws.id);
    expect([o.get("listed")?.status, o.get("listed")?.reason]).toEqual(["suppressed", "suppression_list"]);
    expect(sent.map((m) => m.address)).toEqual(["free@example.com"]);

    // The dispatcher's lookup: a probe of (workspace, lower(address)) per candidate, not a scan of 20,001 rows.
    const plan = (await bed.db.execute(sql`
      explain select workspace_id, channel, lower(address) as address from messaging_suppressions
      where workspace_id = any(${`{${ws.id}}`}::uuid[]) and lower(address) = any(array(select jsonb_array_elements_text(${JSON.stringify(["tea.lover@example.com", listed])}::jsonb)))`)) as unknown as {
      rows: { "QUERY PLAN": string }[];
    };
    const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(text).toMatch(/Index Cond: .*lower\(address\) = ANY/);
    expect(text).not.toMatch(/Filter: .*lower\(address\)/);
  });

  it("takes a long queue earliest first, a batch at a time, reading the due index in order", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: enabled("email") });
    const p = await customer(ws.id, { email: "queue@example.com" }, [{ channel: "email", purpose: "service", granted: true }]);
    const t = await template(ws.id, "email", "service", "Your order");
    const now = clock.now().getTime();
    // 3,000 messages, the later queued the earlier due.
    await queue(Array.from({ length: 3000 }, (_, i) => ({ workspaceId: ws.id, key: `q${String(i).padStart(4, "0")}`, profileId: p, channel: "email" as const, templateId: t, category: "service" as const, dueAt: new Date(now - i * 1000) })));
    await bed.db.execute(sql`analyze messages`);

    const { sent, adapters } = recorder(["email"]);
    const report = await runDispatchBatch(bed.db, clock, adapters, 50);
    expect(report.taken).toBe(50);
    expect(sent).toHaveLength(50);
    const taken = (await outcomes(ws.id)).filter((o) => o.status !== "queued").map((o) => o.idempotency_key);
    expect(taken).toEqual(Array.from({ length: 50 }, (_, i) => `q${2950 + i}`));

    const planOf = async (oneConnection: boolean) =>
      ((await bed.db.execute(sql`explain ${claimDue(clock.now(), 200, { oneConnection })}`)) as unknown as { rows: { "QUERY PLAN": string }[] }).rows
        .map((r) => r["QUERY PLAN"])
        .join("\n");
    const text = await planOf(false);
    expect(text).toMatch(/Index Scan using messages_due/);
    expect(text).not.toMatch(/Sort/);
    expect(text).toMatch(/LockRows/);
    // The embedded store runs one transaction at a time: there the claim locks nothing.
    expect(await planOf(true)).not.toMatch(/LockRows/);
  });

  it.each([
    ["with row and cap locks", false],
    ["on one connection, without them", true],
  ])("cap a second marketing push on a channel once that channel's daily cap is reached (%s)", async (_, oneConnection) => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: { sms: { enabled: true, config: {}, dailyCap: 1 } }, targetedPerDay: 5, generalPerDay: 5 });
    const p = await customer(ws.id, { phone: "13800138011" }, [{ channel: "sms", purpose: "marketing", granted: true }]);
    const t = await template(ws.id, "sms", "marketing", "hi");
    await queue([
      { workspaceId: ws.id, key: "1", profileId: p, channel: "sms", templateId: t, category: "targeted" },
      { workspaceId: ws.id, key: "2", profileId: p, channel: "sms", templateId: t, category: "general" },
    ]);
    await drain(recorder(["sms"]).adapters, { oneConnection });
    expect((await outcomes(ws.id)).map((o) => [o.status, o.reason])).toEqual([
      ["delivered", null],
      ["suppressed", "channel_cap"],
    ]);
  });

  it("count the daily caps per local day of the workspace, not per UTC day", async () => {
    const ws = await workspace({ channels: enabled("sms"), quietHours: { enabled: false, start: "21:00", end: "09:00" } });
    const p = await customer(ws.id, { phone: "13800138021" }, [{ channel: "sms", purpose: "marketing", granted: true }]);
    const t = await template(ws.id, "sms", "marketing", "hi");
    const { adapters } = recorder(["sms"]);
    const at = async (instant: string, key: string) => {
      clock.set(instant);
      await queue([{ workspaceId: ws.id, key, profileId: p, channel: "sms", templateId: t, category: "targeted" }]);
      await drain(adapters);
    };
    await at("2026-11-02T15:30:00Z", "1"); // 23:30 on 2 Nov in Shanghai
    await at("2026-11-02T15:50:00Z", "2"); // 23:50, same local day
    await at("2026-11-02T16:10:00Z", "3"); // 00:10 on 3 Nov locally, still 2 Nov in UTC
    expect((await outcomes(ws.id)).map((o) => [o.status, o.reason])).toEqual([
      ["delivered", null],
      ["suppressed", "frequency_cap"],
      ["delivered", null],
    ]);
  });
});

describe("template variables", () => {
  it("profile.tier is the name the brand gave the member's level, profile.tierCode its code; a member with no level yet is at the first one", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: enabled("inbox") });
    await bed.services.points.putSettings(ws.ctx, {
      tiers: { levels: [{ code: "member", name: "会员", threshold: 0 }, { code: "gold", name: "金卡", threshold: 3000 }] },
    });
    const gold = await customer(ws.id, {});
    const fresh = await customer(ws.id, {});
    await bed.db.execute(sql`insert into member_tiers (workspace_id, profile_id, tier, growth, since, updated_at)
      values (${ws.id}::uuid, ${gold}::uuid, 'gold', 3200, now(), now())`);
    const t = await template(ws.id, "inbox", "service", "尊敬的{{ profile.tier }}（{{ profile.tierCode }}）");
    await queue([
      { workspaceId: ws.id, key: "gold", profileId: gold, channel: "inbox", templateId: t, category: "service" },
      { workspaceId: ws.id, key: "fresh", profileId: fresh, channel: "inbox", templateId: t, category: "service" },
    ]);
    const { sent, adapters } = recorder(["inbox"]);
    await drain(adapters);
    const bodies = new Map(sent.map((m) => [m.profileId, m.rendered.body]));
    expect(bodies.get(gold)).toBe("尊敬的金卡（gold）");
    expect(bodies.get(fresh)).toBe("尊敬的会员（member）");
    const preview = await bed.services.messaging.templates.preview(ws.ctx, t, { profileId: gold, variables: {} });
    expect(preview.rendered.body).toBe("尊敬的金卡（gold）");
  });
});

describe("dates in templates", () => {
  const zoneBefore = process.env.TZ;
  afterAll(() => {
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
  });

  it("the date filter shows a coupon's expiry in the workspace's time zone, whatever zone the server runs in", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const shanghai = await workspace({ channels: enabled("inbox") });
    const newYork = await workspace({ channels: enabled("inbox") }, "America/New_York");
    const body = "券将于 {{ coupon.expiresAt | date: '%Y-%m-%d %H:%M' }} 过期";
    const coupon = { code: "C-1", expiresAt: "2026-03-01T15:30:00.000Z" };
    for (const [serverZone, serverHour] of [["UTC", 15], ["America/Los_Angeles", 7], ["Asia/Kolkata", 21]] as const) {
      process.env.TZ = serverZone;
      expect(new Date(coupon.expiresAt).getHours(), "the process runs in the zone set").toBe(serverHour);
      const { sent, adapters } = recorder(["inbox"]);
      for (const ws of [shanghai, newYork]) {
        const p = await customer(ws.id, {});
        const t = await template(ws.id, "inbox", "service", body);
        await queue([{ workspaceId: ws.id, profileId: p, channel: "inbox", templateId: t, category: "service", variables: { coupon } }]);
        const preview = await bed.services.messaging.templates.preview(ws.ctx, t, { profileId: p, variables: { coupon } });
        expect(preview.rendered.body, `preview, server in ${serverZone}`).toBe(ws === shanghai ? "券将于 2026-03-01 23:30 过期" : "券将于 2026-03-01 10:30 过期");
      }
      await drain(adapters);
      const bodies = new Map(sent.map((m) => [m.workspaceId, m.rendered.body]));
      expect(bodies.get(shanghai.id), `server in ${serverZone}`).toBe("券将于 2026-03-01 23:30 过期");
      expect(bodies.get(newYork.id), `server in ${serverZone}`).toBe("券将于 2026-03-01 10:30 过期");
    }
  });
});

describe("render failures", () => {
  it("a stored template that no longer renders (here a partial, which would read a server file) is suppressed as render_failed, with the error kept", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: enabled("inbox") });
    const p = await customer(ws.id, {});
    const id = newId();
    await bed.db.execute(sql`insert into message_templates (id, workspace_id, name, channel, purpose, content, default_locale, variables, created_at, updated_at)
      values (${id}::uuid, ${ws.id}::uuid, 'old', 'inbox', 'service', ${JSON.stringify({ "zh-CN": { body: "{% include package.json %}" } })}::jsonb, 'zh-CN', '{}', now(), now())`);
    await queue([{ workspaceId: ws.id, key: "r", profileId: p, channel: "inbox", templateId: id, category: "service" }]);
    const { sent, adapters } = recorder(["inbox"]);
    await drain(adapters);
    const o = (await byKey(ws.id)).get("r")!;
    expect([o.status, o.reason]).toEqual(["suppressed", "render_failed"]);
    expect(o.error).toMatch(/include/);
    expect(sent).toHaveLength(0);
  });
});

describe("quiet hours", () => {
  it("hold marketing until 09:00 in Shanghai and release it then; service messages go at once", async () => {
    clock.set("2026-11-02T14:00:00Z"); // 22:00 in Shanghai
    const ws = await workspace({ channels: enabled("sms") });
    const p = await customer(ws.id, { phone: "13800138031" }, [{ channel: "sms", purpose: "marketing", granted: true }]);
    const marketing = await template(ws.id, "sms", "marketing", "sale");
    const service = await template(ws.id, "sms", "service", "shipped");
    await queue([
      { workspaceId: ws.id, key: "m", profileId: p, channel: "sms", templateId: marketing, category: "targeted" },
      { workspaceId: ws.id, key: "s", profileId: p, channel: "sms", templateId: service, category: "service" },
    ]);
    const { sent, adapters } = recorder(["sms"]);
    await drain(adapters);
    let o = await byKey(ws.id);
    expect(o.get("s")?.status).toBe("delivered");
    expect(o.get("m")?.status).toBe("held");
    expect(new Date(o.get("m")!.due_at!).toISOString()).toBe("2026-11-03T01:00:00.000Z");
    clock.set("2026-11-03T00:59:00Z");
    expect(await drain(adapters)).toBe(0);
    clock.set("2026-11-03T01:00:00Z");
    await drain(adapters);
    o = await byKey(ws.id);
    expect(o.get("m")?.status).toBe("delivered");
    expect(sent.map((m) => m.rendered.body)).toEqual(["shipped", "sale拒收请回复R"]);
  });

  it("end at 09:00 local in New York across the March change to daylight time", async () => {
    clock.set("2026-03-08T02:00:00Z"); // 21:00 EST on Saturday 7 March; clocks go forward at 02:00 on the 8th
    const ws = await workspace({ channels: enabled("email") }, "America/New_York");
    const p = await customer(ws.id, { email: "ny@example.com" }, [{ channel: "email", purpose: "marketing", granted: true }]);
    const t = await template(ws.id, "email", "marketing", "sale");
    await queue([{ workspaceId: ws.id, key: "m", profileId: p, channel: "email", templateId: t, category: "general" }]);
    const { sent, adapters } = recorder(["email"]);
    await drain(adapters);
    const held = (await byKey(ws.id)).get("m")!;
    expect(held.status).toBe("held");
    // 09:00 EDT (UTC−4), not 09:00 EST (UTC−5).
    expect(new Date(held.due_at!).toISOString()).toBe("2026-03-08T13:00:00.000Z");
    clock.set("2026-03-08T12:30:00Z"); // 08:30 EDT
    expect(await drain(adapters)).toBe(0);
    clock.set("2026-03-08T13:00:00Z");
    await drain(adapters);
    expect(sent).toHaveLength(1);
  });
});

describe("unsubscribe by reply", () => {
  it("a reply that is an unsubscribe keyword withdraws SMS marketing consent; other text does not", async () => {
    clock.set("2026-11-02T04:00:00Z");
    const ws = await workspace({ channels: enabled("sms") });
    const p = await customer(ws.id, { phone: "13800138041" }, [{ channel: "sms", purpose: "marketing", granted: true }]);
    expect(await unsubscribeByReply(bed.db, clock, ws.id, "sms", "+8613800138041", "好的谢谢")).toEqual([]);
    expect(await unsubscribeByReply(bed.db, clock, ws.id, "sms", "+8613800138041", " td ")).toEqual([p]);
    const consents = await bed.services.consents.list(ws.ctx, p);
    expect(consents.find((c) => c.channel === "sms" && c.purpose === "marketing")).toMatchObject({ granted: false, source: "member" });
    const t = await template(ws.id, "sms", "marketing", "sale");
    await queue([{ workspaceId: ws.id, key: "after", profileId: p, channel: "sms", templateId: t, category: "targeted" }]);
    await drain(recorder(["sms"]).adapters);
    expect((await byKey(ws.id)).get("after")?.reason).toBe("unsubscribed");
  });
});

describe("what the journeys engine reads at publish", () => {
  it("templateFacts answers channel, purpose and variables of the workspace's own templates only; enabledChannels the channels switched on", async () => {
    const a = await workspace({ channels: { ...enabled("sms", "inbox"), email: { enabled: false, config: {}, dailyCap: null } } });
    const b = await workspace({});
    const t = await template(a.id, "sms", "marketing", "{{ profile.name }} {{ coupon.code }}");
    const other = await template(b.id, "inbox", "service", "hi");
    const facts = await templateFacts(bed.db, a.id, [t, other, "0190a000-0000-7000-8000-000000000001"]);
    expect([...facts.entries()]).toEqual([[t, { channel: "sms", purpose: "marketing", variables: ["coupon.code", "profile.name"] }]]);
    expect([...(await enabledChannels(bed.db, a.id))].sort()).toEqual(["inbox", "sms"]);
    expect(await enabledChannels(bed.db, b.id)).toEqual(new Set());
  });
});
