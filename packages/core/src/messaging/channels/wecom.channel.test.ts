import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TemplateContent } from "@siyu/contracts";
import { fixedClock } from "../../shared/clock";
import { newId } from "../../shared/ids";
import { rows } from "../../shared/sql-rows";
import type { ChannelAdapter, OutgoingMessage } from "./channel";
import type { FetchLike } from "./provider-support";
import { createWecomChannel } from "./wecom.channel";
import { type FakeWecom, startFakeWecom } from "./testing/fake-wecom";

// 2026-11-30 is a Monday; 02:00 UTC is 10:00 in Beijing.
const clock = fixedClock("2026-11-30T02:00:00Z");
const customers = Array.from({ length: 60 }, (_, i) => `wm-cust-${i}`);

let database: TestDatabase;
let server: FakeWecom;
let config: Record<string, string>;
let channel: ChannelAdapter;
let workspaceId: string;

function wecom(address: string, content: Partial<TemplateContent> = { body: "新品上市，凭此消息到店享 8 折" }, id = newId()): OutgoingMessage {
  return { id, workspaceId, profileId: newId(), channel: "wecom", category: "targeted", address, rendered: TemplateContent.parse(content), attempt: 1 };
}
/**
 * The network's next failure on an API (the path's last part): "before" — the request never reaches
 * WeCom; "after" — WeCom handles it and the answer is lost (as when the process dies mid-call).
 */
const faults = new Map<string, "before" | "after">();
const faultyFetch: FetchLike = async (input, init) => {
  const api = new URL(input).pathname.split("/").pop()!;
  const fault = faults.get(api);
  faults.delete(api);
  if (fault === "before") throw new TypeError("fetch failed: connect ECONNREFUSED");
  const response = await fetch(input, init);
  if (fault === "after") {
    await response.text();
    throw new TypeError("fetch failed: socket hang up");
  }
  return response;
};
const reservations = async () => Number((await rows<{ n: number | string }>(database.db, sql`select count(*) as n from messaging_wecom_sends where workspace_id = ${workspaceId}::uuid`))[0]!.n);

beforeAll(async () => {
  database = await openTestDatabase();
  server = await startFakeWecom({ corpId: "ww-corp", secret: "contact-secret", contacts: { zhangsan: customers, lisi: customers, naive: customers }, now: () => clock.now().getTime() });
  config = { corpId: "ww-corp", secret: "contact-secret", apiBase: server.url, defaultSender: "zhangsan", perCustomerPerDay: "", perCustomerPerMonth: "" };
  channel = createWecomChannel({ db: database.db, clock, fetch: faultyFetch });
});
afterAll(async () => {
  await server.close();
  await database.close();
});
beforeEach(() => {
  faults.clear();
  server.clearFailures();
  workspaceId = newId();
  clock.advance(2 * 3_600_000);
});

describe(`wecom channel (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("creates a mass-send task for the customer's owner and waits for their confirmation", async () => {
    const result = await channel.deliver(wecom("wm-cust-0", { subject: "冬季新品", body: "新品上市", url: "https://m.siyu.example/new", params: { sender: "lisi" } }), config);
    expect(result).toEqual({ status: "pending_confirmation", providerId: expect.stringMatching(/^msg/) });
    expect(server.tasks.at(-1)).toMatchObject({
      sender: "lisi",
      externalUserids: ["wm-cust-0"],
      text: "新品上市",
      attachments: [{ msgtype: "link", link: { title: "冬季新品", url: "https://m.siyu.example/new", desc: "新品上市" } }],
      dropped: false,
    });
    expect((await channel.deliver(wecom("wm-cust-1"), config)).status).toBe("pending_confirmation");
    expect(server.tasks.at(-1)!.sender).toBe("zhangsan");
  });

  it("fetches the token once, and again when WeCom says it expired (42001) or is invalid (40014)", async () => {
    const fresh = createWecomChannel({ db: database.db, clock });
    const before = server.tokenRequests();
    await fresh.deliver(wecom("wm-cust-2"), config);
    await fresh.deliver(wecom("wm-cust-3"), config);
    expect(server.tokenRequests()).toBe(before + 1);
    server.expireTokens();
    expect((await fresh.deliver(wecom("wm-cust-4"), config)).status).toBe("pending_confirmation");
    server.revokeTokens();
    expect((await fresh.deliver(wecom("wm-cust-5"), config)).status).toBe("pending_confirmation");
    expect(server.tokenRequests()).toBe(before + 3);
    expect(await fresh.deliver(wecom("wm-cust-6"), { ...config, secret: "wrong" })).toEqual({ status: "failed", error: "wecom gettoken errcode 40001: invalid credential" });
  });

  it("31 sends in a minute by one staff member: the 31st is deferred to the next free slot, not dropped", async () => {
    const droppedBefore = server.dropped().length;
    const results = [];
    for (let i = 0; i < 31; i++) {
      results.push(await channel.deliver(wecom(customers[i]!), config));
      clock.advance(1000);
    }
    expect(results.slice(0, 30).every((r) => r.status === "pending_confirmation")).toBe(true);
    // The first went at t0, the 31st is asked at t0 + 30 s: the minute has room again at t0 + 60 s.
    expect(results[30]).toEqual({ status: "retry", error: "wecom sender zhangsan at its limit: 30 sent (senderPerMinute 30)", retryAfterMs: 30_000 });
    // Another staff member is not held up.
    expect((await channel.deliver(wecom(customers[40]!, { body: "hi", params: { sender: "lisi" } }), config)).status).toBe("pending_confirmation");
    clock.advance(30_000);
    expect((await channel.deliver(wecom(customers[30]!), config)).status).toBe("pending_confirmation");
    expect(server.dropped().length).toBe(droppedBefore);
  });

  it("(the stand-in drops like WeCom: a client that does not hold back loses the 31st silently)", async () => {
    const token = ((await (await fetch(`${server.url}cgi-bin/gettoken?corpid=ww-corp&corpsecret=contact-secret`)).json()) as { access_token: string }).access_token;
    const droppedBefore = server.dropped().length;
    for (let i = 0; i < 31; i++) {
      const answer = await fetch(`${server.url}cgi-bin/externalcontact/add_msg_template?access_token=${token}`, {
        method: "POST",
        body: JSON.stringify({ chat_type: "single", external_userid: [customers[i]], sender: "naive", text: { content: "hi" } }),
      });
      expect(((await answer.json()) as { errcode: number }).errcode).toBe(0);
    }
    expect(server.dropped().length - droppedBefore).toBe(1);
  });

  it("keeps below the hourly limit too, and the reservations are shared by every process", async () => {
    const limits = { ...config, senderPerMinute: "30", senderPerHour: "40" };
    const other = createWecomChannel({ db: database.db, clock });
    const t0 = clock.now().getTime();
    for (let i = 0; i < 20; i++) expect((await channel.deliver(wecom(customers[i]!), limits)).status).toBe("pending_confirmation");
    for (let i = 20; i < 30; i++) expect((await other.deliver(wecom(customers[i]!), limits)).status).toBe("pending_confirmation");
    expect((await other.deliver(wecom(customers[30]!), limits)).status).toBe("retry");
    clock.advance(60_000);
    for (let i = 30; i < 40; i++) expect((await other.deliver(wecom(customers[i]!), limits)).status).toBe("pending_confirmation");
    const deferred = await channel.deliver(wecom(customers[40]!), limits);
    expect(deferred).toMatchObject({ status: "retry", error: expect.stringContaining("senderPerHour 40"), retryAfterMs: t0 + 3_600_000 - clock.now().getTime() });
  });

  it("concurrent deliveries never reserve past the limit", async () => {
    const results = await Promise.all(customers.slice(0, 45).map((c) => channel.deliver(wecom(c), config)));
    expect(results.filter((r) => r.status === "pending_confirmation")).toHaveLength(30);
    expect(results.filter((r) => r.status === "retry")).toHaveLength(15);
    expect(await reservations()).toBe(30);
  });

  it("the customer's allowance: beyond the company's per-day / per-week numbers the message fails", async () => {
    const allowance = { ...config, perCustomerPerDay: "1", perCustomerPerWeek: "2" };
    expect((await channel.deliver(wecom("wm-cust-9"), allowance)).status).toBe("pending_confirmation");
    const again = await channel.deliver(wecom("wm-cust-9"), allowance);
    expect(again).toEqual({ status: "failed", error: "send allowance exhausted: the customer has received 1 WeCom mass message(s) today (perCustomerPerDay 1)" });
    // A message delivered again (its outcome lost) finds its task: one send, counted once.
    const retried = wecom("wm-cust-8");
    const first = await channel.deliver(retried, allowance);
    expect(await channel.deliver({ ...retried, attempt: 2 }, allowance)).toEqual(first);
    clock.advance(86_400_000);
    expect((await channel.deliver(wecom("wm-cust-9"), allowance)).status).toBe("pending_confirmation");
    clock.advance(86_400_000);
    expect(await channel.deliver(wecom("wm-cust-9"), allowance)).toMatchObject({ status: "failed", error: expect.stringContaining("this week (perCustomerPerWeek 2)") });
  });

  it("by default a customer gets at most one mass message a day and four a calendar month", async () => {
    const { perCustomerPerDay: _d, perCustomerPerMonth: _m, ...defaults } = config;
    clock.set("2026-12-01T01:00:00Z");
    for (let day = 0; day < 4; day++) {
      expect((await channel.deliver(wecom("wm-cust-7"), defaults)).status).toBe("pending_confirmation");
      expect(await channel.deliver(wecom("wm-cust-7"), defaults)).toMatchObject({ status: "failed", error: expect.stringContaining("today (perCustomerPerDay 1)") });
      clock.advance(86_400_000);
    }
    expect(await channel.deliver(wecom("wm-cust-7"), defaults)).toMatchObject({ status: "failed", error: expect.stringContaining("this month (perCustomerPerMonth 4)") });
    // 2027-01-01 09:00 in Beijing: a new month.
    clock.set("2027-01-01T01:00:00Z");
    expect((await channel.deliver(wecom("wm-cust-7"), defaults)).status).toBe("pending_confirmation");
  });

  it("permanent errors fail and give the reservation back; WeCom's busy answers are retried", async () => {
    expect(await channel.deliver(wecom("wm-stranger"), config)).toMatchObject({ status: "failed", error: expect.stringContaining("fail_list") });
    expect(await channel.deliver(wecom("wm-cust-1", { body: "x", params: { sender: "nobody" } }), config)).toMatchObject({ status: "failed", error: "wecom errcode 40003: invalid userid" });
    expect(await reservations()).toBe(0);
    server.failNext(-1, "system busy");
    expect(await channel.deliver(wecom("wm-cust-1"), config)).toMatchObject({ status: "retry", retryAfterMs: 1000 });
    server.failNext(45033, "api concurrent out of limit");
    expect(await channel.deliver(wecom("wm-cust-1"), config)).toMatchObject({ status: "retry" });
    expect(await channel.deliver(wecom("wm-cust-1"), { ...config, apiBase: "http://127.0.0.1:1/" })).toMatchObject({ status: "retry" });
    // Unreachable: WeCom may or may not have the task, so the slot stays reserved until the retry.
    expect(await reservations()).toBe(1);
  });

  it("fails without a sender, without content, or with a bad config", async () => {
    const { defaultSender: _, ...noSender } = config;
    expect(await channel.deliver(wecom("wm-cust-1"), noSender)).toMatchObject({ status: "failed", error: expect.stringContaining("sender") });
    expect(await channel.deliver(wecom("wm-cust-1", { body: " " }), config)).toMatchObject({ status: "failed", error: expect.stringContaining("body or a link") });
    expect(await channel.deliver(wecom("wm-cust-1"), { ...config, senderPerMinute: "lots" })).toEqual({ status: "failed", error: "wecom config invalid (senderPerMinute: must be a whole number)" });
    expect(await reservations()).toBe(0);
  });
});

describe("wecom channel: a message delivered again never gives the staff member a second task", () => {
  const lease = 5 * 60_000;
  const tasksFor = (address: string, since: number) => server.tasks.slice(since).filter((t) => t.externalUserids.includes(address));

  it("the first attempt's outcome is lost after WeCom created the task: the retry answers with that task", async () => {
    const message = wecom("wm-cust-10", { subject: "冬季新品", body: "新品上市", url: "https://m.siyu.example/new" });
    const before = server.tasks.length;
    const first = await channel.deliver(message, config);
    expect(first).toEqual({ status: "pending_confirmation", providerId: expect.stringMatching(/^msg/) });
    // The process died before recording it: the lease runs out and the message is delivered again.
    clock.advance(lease);
    expect(await channel.deliver({ ...message, attempt: 2 }, config)).toEqual(first);
    expect(tasksFor("wm-cust-10", before)).toHaveLength(1);
    expect(await reservations()).toBe(1);

    // The answer itself lost on the way back (WeCom has the task, the attempt saw a network error).
    const lost = wecom("wm-cust-11");
    faults.set("add_msg_template", "after");
    expect(await channel.deliver(lost, config)).toMatchObject({ status: "retry", error: expect.stringContaining("wecom unreachable") });
    clock.advance(60_000);
    // Confirmed by the staff member meanwhile: still the same task.
    server.confirm(tasksFor("wm-cust-11", before)[0]!.msgid);
    expect(await channel.deliver({ ...lost, attempt: 2 }, config)).toEqual({ status: "pending_confirmation", providerId: tasksFor("wm-cust-11", before)[0]!.msgid });
    expect(tasksFor("wm-cust-11", before)).toHaveLength(1);
    expect(await reservations()).toBe(2);
  });

  it("the same text to the same customer twice within minutes: the retry takes its own task, not the earlier message's", async () => {
    const body = { body: "会员日：全场第二杯半价" };
    const first = wecom("wm-cust-20", body);
    const before = server.tasks.length;
    const delivered = await channel.deliver(first, config);
    expect(delivered).toMatchObject({ status: "pending_confirmation" });
    // The dispatcher recorded it: the outbox row carries WeCom's msgid.
    await database.db.execute(sql`insert into messages (id, workspace_id, idempotency_key, profile_id, channel, category, purpose, variables, status, source_kind, provider_id, created_at)
        values (${first.id}::uuid, ${workspaceId}::uuid, ${first.id}, ${first.profileId}::uuid, 'wecom', 'targeted', 'marketing', '{}', 'pending_confirmation', 'api',
          ${delivered.status === "pending_confirmation" ? delivered.providerId : null}, now())`);
    clock.advance(60_000);
    // A second message with the very same text: WeCom creates its task, the answer is lost.
    const second = { ...wecom("wm-cust-20", body), profileId: first.profileId };
    faults.set("add_msg_template", "after");
    expect((await channel.deliver(second, config)).status).toBe("retry");
    const tasks = tasksFor("wm-cust-20", before);
    expect(tasks).toHaveLength(2);
    clock.advance(lease);
    expect(await channel.deliver({ ...second, attempt: 2 }, config)).toEqual({ status: "pending_confirmation", providerId: tasks[1]!.msgid });
    expect(tasksFor("wm-cust-20", before)).toHaveLength(2);
  });

  it("the first attempt never reached WeCom: the retry finds no task and creates it, once", async () => {
    const message = wecom("wm-cust-12");
    const before = server.tasks.length;
    faults.set("add_msg_template", "before");
    expect(await channel.deliver(message, config)).toMatchObject({ status: "retry", error: expect.stringContaining("ECONNREFUSED") });
    expect(tasksFor("wm-cust-12", before)).toHaveLength(0);
    const lookups = server.lookups().length;
    clock.advance(60_000);
    const retried = await channel.deliver({ ...message, attempt: 2 }, config);
    expect(retried).toEqual({ status: "pending_confirmation", providerId: tasksFor("wm-cust-12", before)[0]?.msgid });
    expect(tasksFor("wm-cust-12", before)).toHaveLength(1);
    expect(server.lookups().slice(lookups)).toContain("get_groupmsg_list_v2");
    expect(await reservations()).toBe(1);
    // A first attempt WeCom refused (errcode) left nothing to look for.
    server.failNext(-1, "system busy");
    const refused = wecom("wm-cust-13");
    expect(await channel.deliver(refused, config)).toMatchObject({ status: "retry" });
    const quiet = server.lookups().length;
    expect((await channel.deliver({ ...refused, attempt: 2 }, config)).status).toBe("pending_confirmation");
    expect(server.lookups().length).toBe(quiet);
  });

  it("when WeCom cannot be asked about the earlier attempt, the message waits instead of risking a second task", async () => {
    const message = wecom("wm-cust-14");
    const before = server.tasks.length;
    faults.set("add_msg_template", "after");
    await channel.deliver(message, config);
    clock.advance(lease);
    server.failNext(-1, "system busy", "get_groupmsg_list_v2");
    expect(await channel.deliver({ ...message, attempt: 2 }, config)).toEqual({
      status: "retry",
      error: "wecom could not check for the earlier attempt's task (get_groupmsg_list_v2: wecom errcode -1: system busy); not sending again until it can",
      retryAfterMs: 1000,
    });
    server.failNext(48002, "api forbidden", "get_groupmsg_send_result");
    expect(await channel.deliver({ ...message, attempt: 3 }, config)).toMatchObject({ status: "retry", error: expect.stringContaining("get_groupmsg_send_result: wecom errcode 48002") });
    faults.set("get_groupmsg_list_v2", "before");
    expect(await channel.deliver({ ...message, attempt: 4 }, config)).toMatchObject({ status: "retry", error: expect.stringContaining("get_groupmsg_list_v2: wecom unreachable") });
    expect(tasksFor("wm-cust-14", before)).toHaveLength(1);
    expect(await reservations()).toBe(1);
    expect(await channel.deliver({ ...message, attempt: 5 }, config)).toEqual({ status: "pending_confirmation", providerId: tasksFor("wm-cust-14", before)[0]!.msgid });
  });

  it("the customer's allowance counts the message once, however often it is delivered", async () => {
    const allowance = { ...config, perCustomerPerDay: "1" };
    const before = server.tasks.length;
    const lost = wecom("wm-cust-15");
    expect((await channel.deliver(lost, allowance)).status).toBe("pending_confirmation");
    clock.advance(lease);
    expect((await channel.deliver({ ...lost, attempt: 2 }, allowance)).status).toBe("pending_confirmation");
    expect(await channel.deliver(wecom("wm-cust-15"), allowance)).toEqual({ status: "failed", error: "send allowance exhausted: the customer has received 1 WeCom mass message(s) today (perCustomerPerDay 1)" });
    // …and WeCom's count agrees: one task reaches the customer.
    expect(tasksFor("wm-cust-15", before)).toHaveLength(1);

    const unsent = wecom("wm-cust-16");
    faults.set("add_msg_template", "before");
    await channel.deliver(unsent, allowance);
    expect((await channel.deliver({ ...unsent, attempt: 2 }, allowance)).status).toBe("pending_confirmation");
    expect(await channel.deliver(wecom("wm-cust-16"), allowance)).toMatchObject({ status: "failed", error: expect.stringContaining("received 1 WeCom mass message(s) today") });
    expect(tasksFor("wm-cust-16", before)).toHaveLength(1);
    expect(await reservations()).toBe(2);
  });

  it("the same text to many customers: the retry pages through the sender's tasks and takes the one for its customer", async () => {
    const paged = await startFakeWecom({ corpId: "ww-corp", secret: "contact-secret", contacts: { zhangsan: customers }, now: () => clock.now().getTime(), pageSize: 2 });
    try {
      const own = { ...config, apiBase: paged.url };
      const sendsToOthers = customers.slice(20, 27).map((c) => wecom(c));
      for (const m of sendsToOthers.slice(0, 3)) await channel.deliver(m, own);
      const message = wecom("wm-cust-17");
      const first = await channel.deliver(message, own);
      for (const m of sendsToOthers.slice(3)) await channel.deliver(m, own);
      await channel.deliver(wecom("wm-cust-18", { body: "another text" }), own);
      clock.advance(lease);
      const before = paged.lookups().length;
      expect(await channel.deliver({ ...message, attempt: 2 }, own)).toEqual(first);
      expect(paged.tasks).toHaveLength(9);
      // 9 tasks, 2 a page: five list pages; the candidates with the same text are asked in order.
      expect(paged.lookups().slice(before).filter((l) => l === "get_groupmsg_list_v2")).toHaveLength(5);
      expect(paged.lookups().slice(before).filter((l) => l === "get_groupmsg_send_result")).toHaveLength(4);
    } finally {
      await paged.close();
    }
  });

  it("(the stand-in's group-message records follow WeCom's contract: token, a month at most, task and send status)", async () => {
    const message = wecom("wm-cust-20", { body: "records", params: { sender: "lisi" } });
    const { providerId: msgid } = (await channel.deliver(message, config)) as { providerId: string };
    const token = ((await (await fetch(`${server.url}cgi-bin/gettoken?corpid=ww-corp&corpsecret=contact-secret`)).json()) as { access_token: string }).access_token;
    const post = async (api: string, body: unknown, withToken = true) =>
      (await (await fetch(`${server.url}cgi-bin/externalcontact/${api}${withToken ? `?access_token=${token}` : ""}`, { method: "POST", body: JSON.stringify(body) })).json()) as Record<string, unknown>;
    const now = Math.floor(clock.now().getTime() / 1000);
    expect(await post("get_groupmsg_list_v2", { start_time: now - 60, end_time: now }, false)).toMatchObject({ errcode: 41001 });
    expect(await post("get_groupmsg_list_v2", { start_time: now - 32 * 86_400, end_time: now })).toMatchObject({ errcode: 40058 });
    expect(await post("get_groupmsg_list_v2", { chat_type: "single", start_time: now - 60, end_time: now, creator: "lisi", filter_type: 0 })).toEqual({
      errcode: 0,
      errmsg: "ok",
      next_cursor: "",
      group_msg_list: [{ msgid, creator: "lisi", create_time: String(now), create_type: 0, text: { content: "records" }, attachments: [] }],
    });
    expect(await post("get_groupmsg_task", { msgid })).toMatchObject({ errcode: 0, task_list: [{ userid: "lisi", status: 0 }] });
    server.confirm(msgid);
    expect(await post("get_groupmsg_task", { msgid })).toMatchObject({ task_list: [{ userid: "lisi", status: 2, send_time: now }] });
    expect(await post("get_groupmsg_send_result", { msgid, userid: "lisi" })).toMatchObject({ errcode: 0, next_cursor: "", send_list: [{ external_userid: "wm-cust-20", userid: "lisi", status: 1, send_time: now }] });
    expect(await post("get_groupmsg_send_result", { msgid, userid: "zhangsan" })).toMatchObject({ errcode: 0, send_list: [] });
  });

  it("property: whatever the network loses, a message has at most one task and one reservation, and every answer names the same task", async () => {
    const attempt = fc.constantFrom("ok", "lost-before", "lost-after", "lookup-busy", "lookup-unreachable");
    await fc.assert(
      fc.asyncProperty(fc.array(attempt, { minLength: 1, maxLength: 6 }), async (attempts) => {
        workspaceId = newId();
        // A text of its own: an earlier run's task for the same customer must not be taken for this one's.
        const message = wecom("wm-cust-19", { body: `新品上市 ${newId()}` });
        const before = server.tasks.length;
        const answers: string[] = [];
        for (const [i, kind] of [...attempts, "ok" as const].entries()) {
          if (kind === "lost-before") faults.set("add_msg_template", "before");
          if (kind === "lost-after") faults.set("add_msg_template", "after");
          if (kind === "lookup-busy") server.failNext(-1, "system busy", "get_groupmsg_list_v2");
          if (kind === "lookup-unreachable") faults.set("get_groupmsg_send_result", "before");
          const result = await channel.deliver({ ...message, attempt: i + 1 }, config);
          if (result.status === "pending_confirmation") answers.push(result.providerId!);
          expect(result.status).not.toBe("failed");
          // A failure meant for a call this attempt did not make must not leak into the next one.
          faults.clear();
          server.clearFailures();
          clock.advance(lease);
          expect(tasksFor("wm-cust-19", before).length).toBeLessThanOrEqual(1);
          expect(await reservations()).toBeLessThanOrEqual(1);
        }
        const tasks = tasksFor("wm-cust-19", before);
        expect(tasks).toHaveLength(1);
        expect(new Set(answers)).toEqual(new Set([tasks[0]!.msgid]));
      }),
      { numRuns: 25 },
    );
  });
});
