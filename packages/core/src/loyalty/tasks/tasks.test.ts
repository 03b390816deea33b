import fc from "fast-check";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import type { CreateTaskInput } from "@siyu/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProfileEventsOf } from "../../profile-events";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { consumerHarness, expectConsistent, loyaltyServices, newWorkspace } from "../loyalty.test-helpers";
import { periodOf } from "./task-rules";
import { LOYALTY_TASKS_CONSUMER } from "./tasks.consumer";

let database: TestDatabase;
let services: CoreServices;
// 2026-07-08 12:00 in Asia/Shanghai (the workspaces' zone).
const clock = fixedClock("2026-07-08T04:00:00Z");
const DAY = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

const { send, drain, profileOf, messageId } = consumerHarness(() => services, clock, "t", (s) => s.tasksNextBatch());
const track = (userId: string, event: string, properties: Record<string, unknown> = {}) => ({ type: "track", userId, event, properties });
async function completions(ws: string, profileId: string) {
  return (await listProfileEventsOf(database.db, ws, [profileId], { limit: 100 })).filter((e) => e.kind === "task.completed");
}

const newMemberList: CreateTaskInput = {
  code: "new_member_week",
  nameZh: "新人7天任务",
  nameEn: "New member week",
  kind: "new_member",
  windowDays: 7,
  steps: [
    { kind: "profile_complete", traits: ["name", "birthday"] },
    { kind: "event", event: "Order Completed", count: 1 },
    { kind: "event", event: "Group Joined" },
    { kind: "event", event: "Product Shared", filters: [{ property: "channel", value: "wechat" }] },
  ],
  rewardPoints: 200,
};

describe(`member tasks from events (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("counts steps from events, completes once with points and a coupon, even when the events come again", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const template = await services.coupons.createTemplate(ctx, { name: "¥10", kind: "fixed", amountMinor: 1000, validity: { kind: "relative", days: 30 } });
    const task = await services.tasks.create(ctx, { ...newMemberList, rewardTemplateId: template.id });
    await send(ws, [{ type: "identify", userId: "lin", traits: { name: "林" } }, track("lin", "Order Completed", { order_id: "o-1", total: 30 }), track("lin", "Product Shared", { channel: "weibo" })]);
    await drain();
    const p = await profileOf(ws, "lin");
    let [mine] = await services.tasks.ofCustomer(ctx, p);
    // The name alone is not a complete profile; a share on weibo does not pass the filter.
    expect(mine!.steps.map((s) => s.done)).toEqual([0, 1, 0, 0]);
    expect(mine!.completedAt).toBeNull();
    expect(mine!.open).toBe(true);

    await send(ws, [{ type: "identify", userId: "lin", traits: { birthday: "1995-03-02" } }, track("lin", "Group Joined"), track("lin", "Product Shared", { channel: "wechat" })]);
    await drain();
    [mine] = await services.tasks.ofCustomer(ctx, p);
    expect(mine!.steps.every((s) => s.complete)).toBe(true);
    expect(mine!.completedAt).toBe(clock.now().toISOString());
    expect(mine!.reward).toMatchObject({ points: 200, couponError: null });
    expect(mine!.reward!.couponId).not.toBeNull();

    // The same steps again (new messages): nothing more is given.
    await send(ws, [track("lin", "Group Joined"), track("lin", "Product Shared", { channel: "wechat" }), track("lin", "Order Completed", { order_id: "o-2", total: 10 })]);
    await drain();
    // The consumer reading the whole log again (its offset lost) gives nothing more either.
    await database.db.execute(sql`update events_consumer_offsets set position = 0 where consumer = ${LOYALTY_TASKS_CONSUMER}`);
    await drain();
    expect((await services.points.balance(ctx, p)).available).toBe(200);
    expect(await services.coupons.listOfCustomer(ctx, p)).toHaveLength(1);
    const done = await completions(ws, p);
    expect(done).toHaveLength(1);
    expect(done[0]!.payload).toMatchObject({ taskId: task.id, taskCode: "new_member_week", periodKey: "new", rewardPoints: 200 });
    await expectConsistent(database.db, ws, p);
  });

  it("resets a daily task at the workspace's local midnight", async () => {
    clock.set("2026-07-08T15:00:00Z"); // 23:00 in Shanghai
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.tasks.create(ctx, { code: "daily_share", nameZh: "每日分享", kind: "daily", steps: [{ kind: "event", event: "Product Shared", count: 2 }], rewardPoints: 5 });
    await send(ws, [track("mei", "Product Shared")]);
    clock.advance(2 * 60 * 60_000); // 01:00 the next local day
    await send(ws, [track("mei", "Product Shared")]);
    await drain();
    const p = await profileOf(ws, "mei");
    // One share on each side of midnight: two periods, one share each, nothing completed.
    expect(await completions(ws, p)).toHaveLength(0);
    let [today] = await services.tasks.ofCustomer(ctx, p);
    expect(today).toMatchObject({ periodKey: "2026-07-09", steps: [{ done: 1, needed: 2, complete: false }] });
    await send(ws, [track("mei", "Product Shared"), track("mei", "Product Shared")]);
    await drain();
    [today] = await services.tasks.ofCustomer(ctx, p);
    expect(today!.completedAt).not.toBeNull();
    // The next day starts again from zero.
    clock.advance(DAY);
    [today] = await services.tasks.ofCustomer(ctx, p);
    expect(today).toMatchObject({ periodKey: "2026-07-10", completedAt: null, steps: [{ done: 0 }] });
    await send(ws, [track("mei", "Product Shared"), track("mei", "Product Shared")]);
    await drain();
    expect(await completions(ws, p)).toHaveLength(2);
    expect((await services.points.balance(ctx, p)).available).toBe(10);
  });

  it("follows a merge: the member's progress is both profiles' combined, completes once and is rewarded once", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.tasks.create(ctx, newMemberList);
    // ann completes her profile and orders; bo joins the group.
    await send(ws, [{ type: "identify", userId: "ann", traits: { name: "安", birthday: "1996-01-02" } }, track("ann", "Order Completed", { order_id: "m-1", total: 30 })]);
    await send(ws, [track("bo", "Group Joined")]);
    await drain();
    const [a, b] = [await profileOf(ws, "ann"), await profileOf(ws, "bo")];

    // ann is merged into bo (as the identity module merges: her row points at his).
    await database.db.execute(sql`update profiles set merged_into = ${b}::uuid where id = ${a}::uuid`);
    expect((await services.tasks.ofCustomer(ctx, b))[0]!.steps.map((s) => s.done)).toEqual([1, 1, 1, 0]);

    // bo's share completes the person's list: one completion, one reward, ann's row folded into his.
    await send(ws, [track("bo", "Product Shared", { channel: "wechat" })]);
    await drain();
    const [mine] = await services.tasks.ofCustomer(ctx, b);
    expect(mine!.steps.every((s) => s.complete)).toBe(true);
    expect(mine!.reward).toMatchObject({ points: 200 });
    const owners = await database.db.execute(sql`select profile_id from loyalty_task_progress where workspace_id = ${ws}::uuid`);
    expect((owners as unknown as { rows: { profile_id: string }[] }).rows.map((r) => r.profile_id)).toEqual([b]);

    // ann's own events after the merge count for the person, and pay nothing more.
    await send(ws, [track("ann", "Group Joined"), track("ann", "Product Shared", { channel: "wechat" })]);
    await drain();
    expect(await completions(ws, b)).toHaveLength(1);
    expect((await services.points.balance(ctx, b)).available).toBe(200);
    await expectConsistent(database.db, ws, b);
  });

  it("closes a new member's window N days after first sight, and ignores paused tasks and events before a task existed", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await send(ws, [track("early", "Group Joined")]);
    await drain();
    const task = await services.tasks.create(ctx, { ...newMemberList, steps: [{ kind: "event", event: "Group Joined" }] });
    const paused = await services.tasks.create(ctx, { code: "paused_one", nameZh: "暂停", kind: "once", steps: [{ kind: "event", event: "Group Joined" }], rewardPoints: 1, status: "paused" });
    await send(ws, [track("late", "Page Viewed")]);
    await drain();
    clock.advance(8 * DAY);
    await send(ws, [track("late", "Group Joined"), track("early", "Group Joined")]);
    await drain();
    const late = await profileOf(ws, "late");
    const [mine, pausedView] = await services.tasks.ofCustomer(ctx, late);
    expect(mine).toMatchObject({ task: { id: task.id }, open: false, steps: [{ done: 0 }], completedAt: null });
    expect(pausedView).toMatchObject({ task: { id: paused.id }, open: false, steps: [{ done: 0 }] });
    // "early" was first seen before the task existed and is past the window too.
    expect(await completions(ws, await profileOf(ws, "early"))).toHaveLength(0);
    // A member first seen now has the full window.
    await send(ws, [track("fresh", "Group Joined")]);
    await drain();
    expect(await completions(ws, await profileOf(ws, "fresh"))).toHaveLength(1);
  });

  it("records a coupon that cannot be issued and keeps the completion and its points", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const template = await services.coupons.createTemplate(ctx, { name: "Last one", kind: "fixed", amountMinor: 500, totalStock: 1, validity: { kind: "relative", days: 30 } });
    await services.tasks.create(ctx, { code: "join", nameZh: "入群", kind: "once", steps: [{ kind: "event", event: "Group Joined" }], rewardPoints: 20, rewardTemplateId: template.id });
    await send(ws, [track("a", "Group Joined"), track("b", "Group Joined")]);
    await drain();
    const results = await Promise.all(["a", "b"].map(async (u) => (await services.tasks.ofCustomer(ctx, await profileOf(ws, u)))[0]!.reward));
    expect(results.map((r) => r!.couponError).sort()).toEqual(["loyalty.out_of_stock", null].sort());
    for (const u of ["a", "b"]) expect((await services.points.balance(ctx, await profileOf(ws, u))).available).toBe(20);
  });

  it("computes periods in the workspace's zone: local day and ISO week", () => {
    const at = new Date("2026-12-31T17:00:00Z"); // 2027-01-01 01:00 in Shanghai, a Friday
    expect(periodOf("daily", at, "Asia/Shanghai")).toBe("2027-01-01");
    expect(periodOf("daily", at, "UTC")).toBe("2026-12-31");
    expect(periodOf("weekly", at, "Asia/Shanghai")).toBe("2026-W53");
    expect(periodOf("weekly", new Date("2027-01-04T01:00:00Z"), "Asia/Shanghai")).toBe("2027-W01");
    expect(periodOf("once", at, "UTC")).toBe("once");
  });
});

/**
 * Random member activity over a few local days, sent in random batches, against a plain model:
 * a daily task (2 × "A" and 1 × "B") and a once task (1 × "C"). The completions and the points must
 * equal the model's — at most one reward per task, member and period.
 */
describe("tasks property", () => {
  it("completions from random event sequences equal a plain model", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ user: fc.constantFrom("u1", "u2"), event: fc.constantFrom("A", "B", "C", "D"), hours: fc.integer({ min: 0, max: 20 }), flush: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        async (steps) => {
          clock.set("2026-07-08T04:00:00Z");
          const ws = await newWorkspace(services);
          const ctx = systemContext(ws);
          const daily = await services.tasks.create(ctx, { code: "daily_ab", nameZh: "每日", kind: "daily", steps: [{ kind: "event", event: "A", count: 2 }, { kind: "event", event: "B" }], rewardPoints: 3 });
          const once = await services.tasks.create(ctx, { code: "once_c", nameZh: "一次", kind: "once", steps: [{ kind: "event", event: "C" }], rewardPoints: 100 });
          const model = new Map<string, { a: number; b: number; c: number; done: boolean }>();
          const expected: string[] = [];
          let pending: Record<string, unknown>[] = [];
          for (const s of steps) {
            clock.advance(s.hours * 60 * 60_000);
            pending.push({ messageId: messageId(), timestamp: clock.now().toISOString(), ...track(s.user, s.event) });
            const day = periodOf("daily", clock.now(), "Asia/Shanghai");
            for (const [task, period] of [[daily.id, day], [once.id, "once"]] as const) {
              const key = `${task}:${s.user}:${period}`;
              const m = model.get(key) ?? { a: 0, b: 0, c: 0, done: false };
              if (s.event === "A") m.a += 1;
              if (s.event === "B") m.b += 1;
              if (s.event === "C") m.c += 1;
              const complete = task === daily.id ? m.a >= 2 && m.b >= 1 : m.c >= 1;
              if (complete && !m.done) {
                m.done = true;
                expected.push(key);
              }
              model.set(key, m);
            }
            if (s.flush) {
              await services.ingest(ws, pending);
              pending = [];
              await drain();
            }
          }
          await services.ingest(ws, pending);
          await drain();
          const actual: string[] = [];
          for (const user of ["u1", "u2"]) {
            const page = await services.profiles.list(ctx, { limit: 5, q: user }, await services.identity.settings(ws));
            if (!page.items[0]) continue;
            const p = page.items[0].id;
            for (const e of await completions(ws, p)) actual.push(`${e.payload.taskId}:${user}:${e.payload.periodKey}`);
            const points = expected.filter((k) => k.includes(`:${user}:`)).reduce((sum, k) => sum + (k.startsWith(daily.id) ? 3 : 100), 0);
            expect((await services.points.balance(ctx, p)).available).toBe(points);
          }
          expect(actual.sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);
});
