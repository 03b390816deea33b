import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOperator, buildTestApp, createApiKey, createWorkspace, seedCustomers, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let profileId: string;
let base: string;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Check-in brand");
  profileId = (await seedCustomers(t, ws, (await createApiKey(t, ws, "ingest")).authorization)).profileId;
  base = `/api/v1/workspaces/${ws.workspaceId}`;
});
afterAll(() => t.close());

function call(method: "GET" | "POST" | "PUT", url: string, payload?: object, cookie = ws.ownerCookie) {
  return t.app.inject({ method, url: `${base}${url}`, headers: { cookie }, ...(payload ? { payload } : {}) });
}
function expectError(res: { statusCode: number; body: string; json(): unknown }, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect((res.json() as { error: { code: string } }).error.code).toBe(code);
}
const localToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
const daysBefore = (n: number) => new Date(Date.parse(`${localToday()}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

describe("check-ins API", () => {
  it("checks a customer in once a day, replays a key, shows the calendar, and audits the operator's check-in", async () => {
    const first = await call("POST", `/customers/${profileId}/check-ins`, { idempotencyKey: "desk-1" });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ checkIn: { day: localToday(), kind: "check_in", streak: 1, points: 5 }, replayed: false });
    const replay = await call("POST", `/customers/${profileId}/check-ins`, { idempotencyKey: "desk-1" });
    expect(replay.statusCode).toBe(200);
    expectError(await call("POST", `/customers/${profileId}/check-ins`, {}), 409, "loyalty.already_checked_in");
    const calendar = await call("GET", `/customers/${profileId}/check-ins?month=${localToday().slice(0, 7)}`);
    expect(calendar.statusCode, calendar.body).toBe(200);
    expect(calendar.json()).toMatchObject({ checkedInToday: true, currentStreak: 1, longestStreak: 1, makeUpCards: 0, days: [{ day: localToday(), kind: "check_in" }] });
    const audit = await call("GET", "/audit-log?limit=1");
    expect(audit.json()).toMatchObject({ items: [{ action: "loyalty.checked_in", targetId: profileId }] });
  });

  it("grants cards (audited, idempotent) and fills a missed day with one; 4xx codes for each refusal", async () => {
    expectError(await call("POST", `/customers/${profileId}/check-ins`, { day: daysBefore(1) }), 422, "loyalty.no_makeup_card");
    const grant = await call("POST", `/customers/${profileId}/makeup-cards`, { count: 1, reason: "app outage", idempotencyKey: "cards-1" });
    expect(grant.statusCode, grant.body).toBe(201);
    expect(grant.json()).toMatchObject({ makeUpCards: 1, replayed: false });
    expect((await call("POST", `/customers/${profileId}/makeup-cards`, { count: 1, reason: "app outage", idempotencyKey: "cards-1" })).statusCode).toBe(200);
    expectError(await call("POST", `/customers/${profileId}/check-ins`, { day: daysBefore(30) }), 422, "loyalty.makeup_not_allowed");
    expectError(await call("POST", `/customers/${profileId}/check-ins`, { day: daysBefore(-1) }), 422, "loyalty.makeup_not_allowed");
    const made = await call("POST", `/customers/${profileId}/check-ins`, { day: daysBefore(1) });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ checkIn: { kind: "make_up", bonus: 0 }, makeUpCards: 0 });
    const calendar = (await call("GET", `/customers/${profileId}/check-ins`)).json<{ currentStreak: number }>();
    expect(calendar.currentStreak).toBe(2);
    expectError(await call("POST", `/customers/${profileId}/check-ins`, { day: daysBefore(1) }), 409, "loyalty.already_checked_in");
  });

  it("answers bad input with the field named, unknown customers with 404, and keeps analysts read-only", async () => {
    const badDay = await call("POST", `/customers/${profileId}/check-ins`, { day: "2026-13" });
    expectError(badDay, 400, "request.invalid");
    expect(badDay.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe("body.day");
    const badMonth = await call("GET", `/customers/${profileId}/check-ins?month=2026-13`);
    expectError(badMonth, 400, "request.invalid");
    const badCount = await call("POST", `/customers/${profileId}/makeup-cards`, { count: 0, reason: "x", idempotencyKey: "k" });
    expect(badCount.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe("body.count");
    const badRule = await call("PUT", "/loyalty/settings", { activities: { rules: [{ code: "share", name: "S", event: "Product Shared", points: 5, where: [{ property: "x", op: "in", value: 3 }] }] } });
    expectError(badRule, 400, "request.invalid");
    expect(badRule.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe("body.activities.rules.0.where.0.value");
    const badBonus = await call("PUT", "/loyalty/settings", { checkIns: { cycleDays: 5, streakBonuses: [{ day: 7, points: 5 }] } });
    expect(badBonus.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe("body.checkIns.streakBonuses.0.day");
    expectError(await call("POST", `/customers/0190a000-0000-7000-8000-00000000dead/check-ins`, {}), 404, "profiles.not_found");
    expectError(await call("GET", `/customers/0190a000-0000-7000-8000-00000000dead/check-ins`), 404, "profiles.not_found");
    const analyst = await addOperator(t, ws, "analyst");
    expect((await call("GET", `/customers/${profileId}/check-ins`, undefined, analyst.cookie)).statusCode).toBe(200);
    expect((await call("POST", `/customers/${profileId}/check-ins`, {}, analyst.cookie)).statusCode).toBe(403);
  });
});
