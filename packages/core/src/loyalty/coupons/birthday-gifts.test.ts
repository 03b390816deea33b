import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOYALTY_SETTINGS } from "@siyu/contracts";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";
import { dueBirthdays } from "./birthday-gifts";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2027-02-27T16:30:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

const due = (today: string, on: "birthday" | "month_start", daysBefore = 0) => Object.fromEntries(dueBirthdays(today, { on, daysBefore }));

describe("birthday gift days", () => {
  it("is due from the gift day through the birthday; 29 February counts as 28 February in other years", () => {
    expect(due("2027-02-20", "birthday")).toEqual({ "02-20": 2027 });
    // 2027 is not a leap year: 29 February birthdays are celebrated on the 28th.
    expect(due("2027-02-28", "birthday")).toEqual({ "02-28": 2027, "02-29": 2027 });
    expect(due("2028-02-28", "birthday")).toEqual({ "02-28": 2028 });
    expect(due("2028-02-29", "birthday")).toEqual({ "02-29": 2028 });
    // Three days before: birthdays of today and the next three days (a missed day is caught up).
    expect(due("2026-12-30", "birthday", 3)).toEqual({ "12-30": 2026, "12-31": 2026, "01-01": 2027, "01-02": 2027 });
    // The first of the birthday month, 3 days early: on 28 November, the rest of November and all of December.
    const december = due("2026-11-28", "month_start", 3);
    expect(Object.keys(december)).toHaveLength(3 + 31);
    expect(december["12-31"]).toBe(2026);
    expect(december["11-27"]).toBeUndefined();
    expect(due("2026-11-27", "month_start", 3)["12-01"]).toBeUndefined();
  });
});

describe(`birthday gifts (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("issues each level's gift once per member per year, in the workspace's time zone, through bulk issue jobs", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await database.db.execute(sql`update workspaces set timezone = 'Asia/Shanghai' where id = ${ws}::uuid`);
    const gift = await services.coupons.createTemplate(ctx, { name: "Birthday cake", kind: "free_item", itemSku: "CAKE", validity: { kind: "relative", days: 30 }, perMemberLimit: null });
    const goldGift = await services.coupons.createTemplate(ctx, { name: "Gold birthday ¥50", kind: "fixed", amountMinor: 5000, validity: { kind: "relative", days: 30 }, perMemberLimit: null });
    const levels = DEFAULT_LOYALTY_SETTINGS.tiers.levels.map((l) => ({
      ...l,
      birthdayGiftTemplateId: l.code === "bronze" ? gift.id : l.code === "gold" ? goldGift.id : null,
    }));
    await services.points.putSettings(ctx, { tiers: { levels, birthdayGift: { on: "birthday", daysBefore: 1 } } });
    const leap = await newProfile(database.db, ws, { birthday: "1996-02-29" });
    const feb28 = await newProfile(database.db, ws, { birthday: "02-28" });
    const march1 = await newProfile(database.db, ws, { birthday: "1990/03/01" });
    const gold = await newProfile(database.db, ws, { birthday: "1988-02-28" });
    const silver = await newProfile(database.db, ws, { birthday: "1988-02-28" });
    await newProfile(database.db, ws, { birthday: "not a date" });
    await database.db.execute(sql`insert into member_tiers (workspace_id, profile_id, tier, growth, since, updated_at) values
      (${ws}::uuid, ${gold}::uuid, 'gold', 5000, now(), now()), (${ws}::uuid, ${silver}::uuid, 'silver', 1500, now(), now())`);
    const holders = async () =>
      (
        await rows<{ profile_id: string; template_id: string; issue_key: string }>(
          database.db,
          sql`select profile_id, template_id, issue_key from coupons where workspace_id = ${ws}::uuid order by issue_key`,
        )
      ).map((c) => `${c.issue_key.split(":").slice(0, 2).join(":")} ${c.profile_id === leap ? "leap" : c.profile_id === feb28 ? "feb28" : c.profile_id === march1 ? "march1" : c.profile_id === gold ? "gold" : "?"} ${c.template_id === gift.id ? "gift" : "gold"}`);
    const work = async () => {
      while ((await services.coupons.runIssueBatch()) > 0);
    };

    // 27 February 00:30 in Shanghai (still the 26th in UTC): one day early for the 28th, not yet for 1 March.
    clock.set("2027-02-26T16:30:00Z");
    expect(await services.coupons.runBirthdayGifts()).toBe(3);
    // The same day again, and the next day before the worker ran: nothing queued twice.
    expect(await services.coupons.runBirthdayGifts()).toBe(0);
    clock.set("2027-02-27T16:30:00Z");
    expect(await services.coupons.runBirthdayGifts()).toBe(1);
    await work();
    expect((await holders()).sort()).toEqual(["birthday:2027 feb28 gift", "birthday:2027 gold gold", "birthday:2027 leap gift", "birthday:2027 march1 gift"]);
    // The rest of the window: nothing more this year.
    clock.set("2027-02-28T16:30:00Z");
    expect(await services.coupons.runBirthdayGifts()).toBe(0);
    // Next year, again (2028 is a leap year: the 29th is the day, one day early is the 28th; 1 March is not due yet).
    clock.set("2028-02-27T16:30:00Z");
    expect(await services.coupons.runBirthdayGifts()).toBe(3);
    await work();
    const jobs = await rows<{ source: string; total: number; issued: number }>(database.db, sql`select source, total, issued from coupon_issue_jobs where workspace_id = ${ws}::uuid`);
    expect(jobs.every((j) => j.source === "birthday" && j.total === j.issued)).toBe(true);
    expect((await holders()).filter((h) => h.startsWith("birthday:2028")).sort()).toEqual([
      "birthday:2028 feb28 gift",
      "birthday:2028 gold gold",
      "birthday:2028 leap gift",
    ]);
  });
});
