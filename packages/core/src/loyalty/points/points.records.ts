import { sql } from "@siyu/storage/orm";
import type { PointsEntryKind } from "@siyu/contracts";

/**
 * The points ledger's rows as the code holds them, and how a query's row becomes one. Shared by the
 * judge (points.batch.ts), the set-based reads and writes (points.rows.ts) and the one-call primitives
 * (points.ledger.ts), which all speak of the same accounts, entries and buckets.
 */

export interface Account {
  profileId: string;
  available: number;
  pending: number;
  lifetimeEarned: number;
  version: number;
}

export interface EntryRow {
  id: string;
  workspace_id: string;
  profile_id: string;
  kind: PointsEntryKind;
  delta: number;
  pending_delta: number;
  reason: string | null;
  source: string;
  idempotency_key: string | null;
  bucket_id: string | null;
  reverses_entry_id: string | null;
  order_id: string | null;
  earn_day: string | null;
  allocations: { bucket: string; amount: number }[];
  metadata: Record<string, unknown>;
  actor: string | null;
  created_at: Date;
  expires_at: Date | null;
  pending_until: Date | null;
}

export interface BucketRow {
  id: string;
  profile_id: string;
  entry_id: string;
  status: "pending" | "available" | "expired";
  amount: number;
  remaining: number;
  order_id: string | null;
  earned_at: Date;
  expires_at: Date | null;
  pending_until: Date | null;
}

export const ENTRY_COLUMNS = sql`id, workspace_id, profile_id, kind, delta, pending_delta, reason, source, idempotency_key, bucket_id, reverses_entry_id,
  order_id, earn_day, allocations, metadata, actor, created_at, expires_at, pending_until`;

const dateOrNull = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

export function toEntry(r: Record<string, unknown>): EntryRow {
  return {
    ...(r as unknown as EntryRow),
    delta: Number(r.delta),
    pending_delta: Number(r.pending_delta),
    allocations: ((r.allocations as { bucket: string; amount: number | string }[] | null) ?? []).map((a) => ({ bucket: a.bucket, amount: Number(a.amount) })),
    created_at: new Date(r.created_at as string),
    expires_at: dateOrNull(r.expires_at),
    pending_until: dateOrNull(r.pending_until),
  };
}

export function toAccount(a: Record<string, unknown>): Account {
  return {
    profileId: a.profile_id as string,
    available: Number(a.available),
    pending: Number(a.pending),
    lifetimeEarned: Number(a.lifetime_earned),
    version: Number(a.version),
  };
}

export function toBucket(b: Record<string, unknown>): BucketRow {
  return {
    id: b.id as string,
    profile_id: b.profile_id as string,
    entry_id: b.entry_id as string,
    status: b.status as BucketRow["status"],
    amount: Number(b.amount),
    remaining: Number(b.remaining),
    order_id: (b.order_id as string | null) ?? null,
    earned_at: new Date(b.earned_at as string),
    expires_at: dateOrNull(b.expires_at),
    pending_until: dateOrNull(b.pending_until),
  };
}
