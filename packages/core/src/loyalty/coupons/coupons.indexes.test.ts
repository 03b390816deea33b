import { sql } from "@siyu/storage/orm";
import { openTestDatabase, planOf, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireDueCouponsStatement, heldCouponsStatement, type CouponRow } from "./coupons.ledger";
import { couponsOnOrdersStatement, writeRedemptions } from "./coupons.redeem";

/**
 * The coupon lookups that must stay cheap however many coupons a brand issues: the expiry job reads
 * due coupons by date across workspaces from an index of the coupons it has not yet seen past their
 * date; a redemption finds an order's coupons through coupon_redemptions (an issue writes nothing
 * there); the limits count a member's coupons of a template through the member index. Redeeming a
 * coupon writes no index entry of coupons (migration 0036; five before, seven before 0035), and the
 * redemption's write checks by itself that its coupons were still available.
 */
let database: TestDatabase;
const WORKSPACES = ["01900000-0000-7000-8000-00000000c001", "01900000-0000-7000-8000-00000000c002", "01900000-0000-7000-8000-00000000c003"];
const TEMPLATE = "01900000-0000-7000-8000-0000000c0a01";

beforeAll(async () => {
  database = await openTestDatabase();
  // 30,000 coupons in three workspaces, valid for 1–730 days, statistics gathered; then a fifth redeemed
  // on an order — the statistics still say no coupon has one, as on a store between two ANALYZEs.
  await database.db.execute(sql`
    insert into coupons (id, workspace_id, template_id, profile_id, code, status, issue_key, issue_day, issued_at, valid_from, valid_until)
    select gen_random_uuid(), (${`{${WORKSPACES.join(",")}}`}::uuid[])[1 + i % 3], ${TEMPLATE}::uuid, gen_random_uuid(), 'C' || i, 'available', 'k-' || i,
           '2026-01-01', '2026-01-01T00:00:00Z'::timestamptz, '2026-01-01T00:00:00Z'::timestamptz, '2026-01-01T00:00:00Z'::timestamptz + (1 + i % 730) * interval '1 day'
    from generate_series(1, 30000) i`);
  await database.db.execute(sql`analyze coupons`);
  await database.db.execute(sql`
    with r as (
      update coupons set status = 'redeemed', redeemed_at = '2026-01-02T00:00:00Z'::timestamptz, order_id = 'o-' || code where right(code, 1) in ('0', '5')
      returning id, workspace_id, order_id)
    insert into coupon_redemptions (coupon_id, workspace_id, order_id) select id, workspace_id, order_id from r`);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

describe(`coupon lookups (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("expires due coupons read by date from the index of coupons not yet seen past their date", async () => {
    const plan = await planOf(database.db, expireDueCouponsStatement(new Date("2026-01-05T00:00:00Z"), 1000));
    expect(plan).toMatch(/Scan (using|on) coupons_lapsing_idx/);
    expect(plan).toMatch(/Index Cond: \(valid_until <= /);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it("finds an order's coupons through coupon_redemptions by order, then each coupon by its key", async () => {
    const plan = await planOf(database.db, couponsOnOrdersStatement(WORKSPACES[0]!, ["o-C15", "o-C30"]));
    expect(plan).toMatch(/Scan (using|on) coupon_redemptions_order_idx/);
    // By the order, not every redeemed coupon of the workspace filtered by it.
    expect(plan).toMatch(/Index Cond: \(\(order_id = ANY/);
    expect(plan).not.toMatch(/Seq Scan on coupon/);
  });

  it("counts a member's coupons of a template through the member index", async () => {
    const plan = await planOf(database.db, heldCouponsStatement(WORKSPACES[0]!, TEMPLATE, ["01900000-0000-7000-8000-0000000000aa"], "2026-01-01"));
    expect(plan).toMatch(/Scan (using|on) coupons_member_idx/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it("a redemption write whose coupon is no longer available fails by itself and writes nothing (its answer is never read)", async () => {
    const read = async () =>
      ((await database.db.execute(sql`select id, code, status, order_id from coupons where code in ('C15', 'C16') order by code`)) as unknown as {
        rows: Pick<CouponRow, "id" | "code" | "status" | "order_id">[];
      }).rows;
    const [taken, free] = await read();
    expect([taken!.status, free!.status]).toEqual(["redeemed", "available"]);
    const judged = (c: Pick<CouponRow, "id" | "code">): CouponRow => ({
      id: c.id, template_id: TEMPLATE, profile_id: c.id, code: c.code, status: "redeemed", issue_key: null, issued_at: "2026-01-01T00:00:00Z",
      valid_from: "2026-01-01T00:00:00Z", valid_until: "2027-01-01T00:00:00Z", redeemed_at: null, order_id: "o-late", store_id: null, discount_minor: 100,
    });
    await expect(database.db.transaction((tx) => writeRedemptions(tx, [judged(free!), judged(taken!)], new Date("2026-01-03T00:00:00Z")))).rejects.toMatchObject({
      cause: { message: "writeRedemptions: coupons still available: 1 rows where 2 were expected" },
    });
    expect(await read()).toEqual([taken, free]);
    const onLateOrder = (await database.db.execute(sql`select count(*)::int as n from coupon_redemptions where order_id = 'o-late'`)) as unknown as { rows: { n: number }[] };
    expect(onLateOrder.rows).toEqual([{ n: 0 }]);
  });
});
