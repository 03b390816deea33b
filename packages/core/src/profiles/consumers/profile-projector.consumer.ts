import type { Db } from "@siyu/storage";
import type { LoggedEvent } from "../../events";
import { extractIdentifiers, resolveIdentities, type IdentitySettings } from "../../identity";
import type { Clock } from "../../shared/clock";
import { ORDER_COMPLETED, ORDER_REFUNDED, parseOrderCompleted, parseOrderRefunded } from "../order-events";
import * as repo from "../profiles.repository";

export const PROFILE_PROJECTOR = "profiles.projector";

export interface ProjectorDeps {
  clock: Clock;
  /** Read through `db`: inside the projector that is its transaction. */
  identitySettings(workspaceId: string, db: Db): Promise<IdentitySettings>;
  currencyOf(workspaceId: string, db: Db): Promise<string>;
  /**
   * Told, in the projector's transaction, which profiles the batch merged into others (each now
   * points at its survivor), so state other modules keep per customer follows the survivor.
   */
  onMerged(tx: Db, workspaceId: string, mergedIds: readonly string[], now: Date): Promise<void>;
}

/**
 * The identity and profile projector: runs in the event consumer's transaction,
 * so each event's effects land exactly once. Set-based: a handful of statements per batch.
 */
export async function projectProfiles(tx: Db, events: readonly LoggedEvent[], deps: ProjectorDeps): Promise<void> {
  const byWorkspace = new Map<string, LoggedEvent[]>();
  for (const e of events) {
    const batch = byWorkspace.get(e.workspaceId);
    if (batch) batch.push(e);
    else byWorkspace.set(e.workspaceId, [e]);
  }
  for (const [workspaceId, batch] of byWorkspace) await projectWorkspace(tx, workspaceId, batch, deps);
}

async function projectWorkspace(tx: Db, workspaceId: string, events: LoggedEvent[], deps: ProjectorDeps) {
  const now = deps.clock.now();
  const settings = await deps.identitySettings(workspaceId, tx);
  const currency = await deps.currencyOf(workspaceId, tx);
  const inputs = events.map((e) => ({
    seq: e.seq,
    messageId: e.messageId,
    ts: e.ts,
    identifiers: extractIdentifiers(e.payload, settings).identifiers,
  }));
  const resolved = await resolveIdentities(tx, workspaceId, inputs, settings, now);

  const activity = new Map<string, { identifier_id: string; n: number; first: string; last: string }>();
  const eventCounts = new Map<string, { identifier_id: string; event: string; n: number; last: string }>();
  const traits = new Map<string, { identifier_id: string; key: string; value: unknown; ts: string; message_id: string }>();
  const anchors: { seq: number; identifier_id: string }[] = [];
  const completed: repo.OrderRow[] = [];
  const refunds: { order_id: string; amount_minor: number | null; at: string }[] = [];

  for (const e of events) {
    const anchor = resolved.anchors.get(e.seq);
    if (!anchor) continue;
    const ts = e.ts.toISOString();
    anchors.push({ seq: e.seq, identifier_id: anchor });
    const a = activity.get(anchor);
    if (!a) activity.set(anchor, { identifier_id: anchor, n: 1, first: ts, last: ts });
    else {
      a.n += 1;
      if (ts < a.first) a.first = ts;
      if (ts > a.last) a.last = ts;
    }
    if (e.event) {
      const key = `${anchor}\u0000${e.event}`;
      const c = eventCounts.get(key);
      if (!c) eventCounts.set(key, { identifier_id: anchor, event: e.event, n: 1, last: ts });
      else {
        c.n += 1;
        if (ts > c.last) c.last = ts;
      }
    }
    if (e.type === "identify") {
      const given = asObject(e.payload.traits) ?? {};
      for (const [key, value] of Object.entries(given)) {
        const id = `${anchor}\u0000${key}`;
        const current = traits.get(id);
        if (!current || ts > current.ts || (ts === current.ts && e.messageId > current.message_id)) {
          traits.set(id, { identifier_id: anchor, key, value, ts, message_id: e.messageId });
        }
      }
    }
    const properties = asObject(e.payload.properties) ?? {};
    if (e.event === ORDER_COMPLETED) {
      const order = parseOrderCompleted(properties, currency);
      if (!("errors" in order)) {
        completed.push({
          order_id: order.orderId,
          identifier_id: anchor,
          total_minor: order.totalMinor,
          currency: order.currency,
          store_id: order.storeId,
          coupon: order.coupon,
          products: order.products,
          ordered_at: ts,
          message_id: e.messageId,
        });
      }
    } else if (e.event === ORDER_REFUNDED) {
      const refund = parseOrderRefunded(properties, currency);
      if (!("errors" in refund)) refunds.push({ order_id: refund.orderId, amount_minor: refund.amountMinor, at: ts });
    }
  }

  await repo.addActivity(tx, workspaceId, [...activity.values()]);
  await repo.addEventCounts(tx, workspaceId, [...eventCounts.values()]);
  await repo.upsertTraits(tx, workspaceId, [...traits.values()]);
  await repo.insertAnchors(tx, workspaceId, anchors);
  await repo.insertOrders(tx, workspaceId, completed);
  const refundedProfiles = await repo.refundOrders(tx, workspaceId, refunds);

  // Profiles whose identifiers changed are recomputed; the others move by what this batch added.
  const deltas = new Map<string, repo.ProfileDelta>();
  const deltaOf = (profileId: string) =>
    deltas.get(profileId) ?? deltas.set(profileId, { profileId, events: 0, first: null, last: null, traits: false, orders: false }).get(profileId)!;
  for (const a of activity.values()) {
    const d = deltaOf(resolved.profileOf.get(a.identifier_id)!);
    d.events += a.n;
    if (d.first === null || a.first < d.first) d.first = a.first;
    if (d.last === null || a.last > d.last) d.last = a.last;
  }
  for (const t of traits.values()) deltaOf(resolved.profileOf.get(t.identifier_id)!).traits = true;
  for (const o of completed) deltaOf(resolved.profileOf.get(o.identifier_id)!).orders = true;
  // A refund moves the spend of whoever placed the order, who need not be in this batch.
  for (const profileId of refundedProfiles) deltaOf(profileId).orders = true;
  // A profile this batch created from new identifiers alone starts from nothing: no need to read its facts.
  const fresh = new Map([...resolved.freshProfiles].map(([id, members]) => [id, members.filter((m) => m.type === "phone").map((m) => m.value)]));
  const recompute = [...resolved.affectedProfiles].filter((id) => !fresh.has(id));
  await repo.writeProfiles(tx, workspaceId, { recompute, fresh, deltas: deltas.values(), live: resolved.liveProfiles, absorbed: resolved.absorbed }, now);
  if (resolved.absorbed.size > 0) await deps.onMerged(tx, workspaceId, [...resolved.absorbed.keys()], now);
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
