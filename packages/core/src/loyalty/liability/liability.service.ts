import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { ExpiryForecastDto, LiabilityReportDto, LiabilityTotals } from "@siyu/contracts";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { localParts, zonedMidnight } from "../../shared/local-time";
import { csvCell } from "../../segments";
import { workspaceTimeZone } from "../loyalty-workspace";
import { loadSettings } from "../loyalty.settings";
import { rows } from "../points/points.ledger";
import { couponsOwedAt, FIXED_FACE, pointsOwedAt } from "./owed";

export interface LiabilityDeps {
  db: Db;
  clock: Clock;
}

type Num = string | number | null;

function emptyTotals(): LiabilityTotals {
  return {
    pointsAvailable: 0,
    pointsPending: 0,
    pointsValueMinor: 0,
    storedValuePrincipalMinor: 0,
    storedValueBonusMinor: 0,
    cardUses: 0,
    cardUsesValueMinor: 0,
    coupons: 0,
    couponsFaceValueMinor: 0,
    totalMinor: 0,
  };
}

function finish(t: LiabilityTotals, pointValueMinor: number): LiabilityTotals {
  t.pointsValueMinor = Math.round((t.pointsAvailable + t.pointsPending) * pointValueMinor);
  t.totalMinor = t.pointsValueMinor + t.storedValuePrincipalMinor + t.storedValueBonusMinor + t.cardUsesValueMinor + t.couponsFaceValueMinor;
  return t;
}

const single = (storeIds: string[] | null) => (storeIds && storeIds.length === 1 ? storeIds[0]! : null);

/**
 * What the brand owes its members, read from the ledgers as of an instant: points (available and
 * pending, valued at `liability.pointValueMinor`), stored value (principal and bonus), uses left on
 * times cards (price / uses each) and unredeemed valid coupons (face value where fixed).
 */
export function createLiabilityService(deps: LiabilityDeps) {
  const { db, clock } = deps;

  async function totalsAsOf(ws: string, at: string): Promise<LiabilityTotals> {
    const t = emptyTotals();
    const points = await pointsOwedAt(db, ws, new Date(at));
    t.pointsAvailable = points.available;
    t.pointsPending = points.pending;
    const [sv] = await rows<{ principal: Num; bonus: Num }>(
      db,
      sql`select -coalesce(sum(p.amount_minor) filter (where p.account = 'member_principal'), 0) as principal,
                 -coalesce(sum(p.amount_minor) filter (where p.account = 'member_bonus'), 0) as bonus
          from stored_value_postings p join stored_value_transactions t on t.id = p.transaction_id
          where p.workspace_id = ${ws}::uuid and t.created_at <= ${at}::timestamptz`,
    );
    t.storedValuePrincipalMinor = Number(sv!.principal);
    t.storedValueBonusMinor = Number(sv!.bonus);
    const [cards] = await rows<{ uses: Num; value: Num }>(
      db,
      sql`select coalesce(sum(left_uses), 0) as uses, coalesce(sum(round(left_uses * price_minor::numeric / uses_total)), 0) as value from (
            select c.uses_total, c.price_minor, sum(e.delta) as left_uses from member_cards c
            join card_entries e on e.card_id = c.id and e.created_at <= ${at}::timestamptz
            where c.workspace_id = ${ws}::uuid and c.kind = 'times' and c.valid_until > ${at}::timestamptz
            group by c.id, c.uses_total, c.price_minor) x`,
    );
    t.cardUses = Number(cards!.uses);
    t.cardUsesValueMinor = Number(cards!.value);
    const coupons = await couponsOwedAt(db, ws, new Date(at));
    t.coupons = coupons.count;
    t.couponsFaceValueMinor = coupons.faceValueMinor;
    return t;
  }

  /** By store, from the current state: points by the earning order's store, cards and coupons scoped to one store. */
  async function byStoreNow(ws: string, at: string, pointValueMinor: number, totals: LiabilityTotals) {
    const stores = new Map<string | null, LiabilityTotals>();
    const of = (id: string | null) => stores.get(id) ?? stores.set(id, emptyTotals()).get(id)!;
    const points = await rows<{ store_id: string | null; available: Num; pending: Num }>(
      db,
      sql`select o.store_id, coalesce(sum(b.remaining) filter (where b.status = 'available'), 0) as available, coalesce(sum(b.remaining) filter (where b.status = 'pending'), 0) as pending
          from points_buckets b left join orders o on o.workspace_id = b.workspace_id and o.order_id = b.order_id
          where b.workspace_id = ${ws}::uuid and b.status in ('available', 'pending') and b.remaining > 0 group by o.store_id`,
    );
    for (const p of points) Object.assign(of(p.store_id), { pointsAvailable: Number(p.available), pointsPending: Number(p.pending) });
    const cards = await rows<{ store_ids: string[] | null; uses_total: number; price_minor: Num; uses_remaining: number }>(
      db,
      sql`select store_ids, uses_total, price_minor, uses_remaining from member_cards
          where workspace_id = ${ws}::uuid and kind = 'times' and status = 'active' and valid_until > ${at}::timestamptz and uses_remaining > 0`,
    );
    for (const c of cards) {
      const s = of(single(c.store_ids));
      s.cardUses += c.uses_remaining;
      s.cardUsesValueMinor += Math.round((c.uses_remaining * Number(c.price_minor)) / c.uses_total);
    }
    const coupons = await rows<{ store_ids: string[] | null; n: Num; face: Num }>(
      db,
      sql`select t.store_ids, count(*) as n, coalesce(sum(t.amount_minor) filter (where t.kind in ${FIXED_FACE}), 0) as face
          from coupons c join coupon_templates t on t.id = c.template_id
          where c.workspace_id = ${ws}::uuid and c.status = 'available' and c.valid_until > ${at}::timestamptz group by t.store_ids`,
    );
    for (const c of coupons) {
      const s = of(single(c.store_ids));
      s.coupons += Number(c.n);
      s.couponsFaceValueMinor += Number(c.face);
    }
    // Stored value belongs to the member, not a store.
    Object.assign(of(null), { storedValuePrincipalMinor: totals.storedValuePrincipalMinor, storedValueBonusMinor: totals.storedValueBonusMinor });
    return [...stores.entries()]
      .map(([storeId, t]) => ({ storeId, ...finish(t, pointValueMinor) }))
      .sort((a, b) => (a.storeId === null ? 1 : b.storeId === null ? -1 : a.storeId.localeCompare(b.storeId)));
  }

  async function report(ctx: WorkspaceContext, asOf?: string): Promise<LiabilityReportDto> {
    const now = clock.now();
    const at = asOf ? new Date(asOf) : now;
    const settings = await loadSettings(db, ctx.workspaceId);
    const pointValueMinor = settings.liability.pointValueMinor;
    const [w] = await rows<{ currency: string }>(db, sql`select currency from workspaces where id = ${ctx.workspaceId}::uuid`);
    const totals = finish(await totalsAsOf(ctx.workspaceId, at.toISOString()), pointValueMinor);
    // The ledgers give totals as of any instant; the split by store is of the current state only.
    const byStore = asOf ? [] : await byStoreNow(ctx.workspaceId, at.toISOString(), pointValueMinor, totals);
    return { asOf: at.toISOString(), currency: w?.currency ?? "CNY", pointValueMinor, totals, byStore };
  }

  return {
    report,

    /** The report as CSV: one row for all stores, then one per store. */
    async reportCsv(ctx: WorkspaceContext, asOf?: string): Promise<string> {
      const r = await report(ctx, asOf);
      const columns = [
        "pointsAvailable",
        "pointsPending",
        "pointsValueMinor",
        "storedValuePrincipalMinor",
        "storedValueBonusMinor",
        "cardUses",
        "cardUsesValueMinor",
        "coupons",
        "couponsFaceValueMinor",
        "totalMinor",
      ] as const;
      const snake = (c: string) => c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
      const line = (store: string, t: LiabilityTotals) => [csvCell(r.asOf), csvCell(store), ...columns.map((c) => csvCell(t[c]))].join(",");
      return [
        ["as_of", "store_id", ...columns.map(snake)].join(","),
        line("(all)", r.totals),
        ...r.byStore.map((s) => line(s.storeId ?? "(none)", s)),
      ].join("\n") + "\n";
    },

    /** Points that will expire in each of the next 12 workspace-local months, and how many members hold them. */
    async expiryForecast(ctx: WorkspaceContext): Promise<ExpiryForecastDto> {
      const timeZone = await workspaceTimeZone(db, ctx.workspaceId);
      const pointValueMinor = (await loadSettings(db, ctx.workspaceId)).liability.pointValueMinor;
      const p = localParts(clock.now(), timeZone);
      const months = Array.from({ length: 13 }, (_, i) => {
        const m = p.month - 1 + i;
        return { year: p.year + Math.floor(m / 12), month: (m % 12) + 1 };
      });
      const bounds = months.map((m) => zonedMidnight(m.year, m.month, 1, timeZone));
      const ranges = months.slice(0, 12).map((_, i) => ({ i, until: bounds[i + 1]!.toISOString() }));
      const found = await rows<{ i: number; points: Num; members: Num }>(
        db,
        sql`with m as (select * from jsonb_to_recordset(${JSON.stringify(ranges)}::jsonb) as x(i int, until timestamptz)),
            due as (
              select b.profile_id, b.remaining, (select min(m.i) from m where b.expires_at < m.until) as i from points_buckets b
              where b.workspace_id = ${ctx.workspaceId}::uuid and b.status in ('available', 'pending') and b.remaining > 0
                and b.expires_at < ${bounds[12]!.toISOString()}::timestamptz)
            select i, sum(remaining) as points, count(distinct profile_id) as members from due group by i`,
      );
      const by = new Map(found.map((f) => [Number(f.i), f]));
      return {
        timeZone,
        months: months.slice(0, 12).map((m, i) => {
          const points = Number(by.get(i)?.points ?? 0);
          return { month: `${m.year}-${String(m.month).padStart(2, "0")}`, points, members: Number(by.get(i)?.members ?? 0), valueMinor: Math.round(points * pointValueMinor) };
        }),
      };
    },
  };
}
export type LiabilityService = ReturnType<typeof createLiabilityService>;
