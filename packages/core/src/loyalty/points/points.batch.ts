import { newId } from "../../shared/ids";
import { loyaltyErrors } from "../loyalty.errors";
import type { Account, DebitInput, EarnInput, EntryRow } from "./points.ledger";
import type { BucketRow, LedgerWrites } from "./points.rows";

const byFifo = (a: BucketRow, b: BucketRow) => a.earned_at.getTime() - b.earned_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Many ledger operations of one workspace judged in memory, in order, with the rules of `earn` and
 * `debit` (points.ledger.ts) one at a time: the same entries, buckets and balances, which the caller
 * then writes in one statement (`writes()` → writeLedger). The accounts are locked by the caller; members
 * who are debited have their spendable buckets loaded (`spendableBuckets`). A refused debit changes
 * nothing, as its rolled-back transaction would not have.
 */
export class LedgerBatch {
  private readonly entries: EntryRow[] = [];
  private readonly created = new Set<BucketRow>();
  private readonly changed = new Set<BucketRow>();
  private readonly moved = new Set<Account>();

  constructor(
    private readonly workspaceId: string,
    private readonly now: Date,
    private readonly accounts: Map<string, Account>,
    /** Spendable buckets of the members who may be debited, by profile id. */
    private readonly buckets: Map<string, BucketRow[]>,
  ) {}

  account(profileId: string): Account {
    const account = this.accounts.get(profileId);
    if (!account) throw new Error(`LedgerBatch: the account of ${profileId} is not locked`);
    return account;
  }

  /** Credits a new bucket; while the balance is negative, new available points pay the debt first. */
  earn(input: EarnInput): EntryRow {
    const account = this.account(input.profileId);
    const pending = input.pendingUntil !== null && input.pendingUntil > this.now;
    const debt = pending ? 0 : Math.max(0, -account.available);
    const entryId = newId();
    const bucket: BucketRow = {
      id: newId(),
      profile_id: input.profileId,
      entry_id: entryId,
      status: pending ? "pending" : "available",
      amount: input.points,
      remaining: input.points - Math.min(input.points, debt),
      order_id: input.orderId ?? null,
      earned_at: input.earnedAt,
      expires_at: input.expiresAt,
      pending_until: pending ? input.pendingUntil : null,
    };
    this.created.add(bucket);
    this.buckets.get(input.profileId)?.push(bucket);
    const entry = this.append({
      profile_id: input.profileId,
      kind: input.kind,
      delta: pending ? 0 : input.points,
      pending_delta: pending ? input.points : 0,
      reason: input.reason,
      source: input.source,
      idempotency_key: input.idempotencyKey,
      bucket_id: bucket.id,
      order_id: input.orderId ?? null,
      earn_day: input.earnDay ?? null,
      actor: input.actor ?? null,
      metadata: input.metadata ?? {},
      expires_at: input.expiresAt,
      pending_until: bucket.pending_until,
    }, entryId);
    if (pending) account.pending += input.points;
    else account.available += input.points;
    account.lifetimeEarned += input.points;
    this.touch(account);
    return entry;
  }

  /**
   * Takes points oldest first after expiring the member's due buckets; refuses with
   * loyalty.insufficient_points (and changes nothing) unless a negative balance is allowed.
   */
  debit(input: DebitInput): EntryRow {
    const account = this.account(input.profileId);
    const held = this.buckets.get(input.profileId);
    if (!held) throw new Error(`LedgerBatch: the buckets of ${input.profileId} are not loaded`);
    const due = held.filter((b) => b.status === "available" && b.expires_at !== null && b.expires_at <= this.now).sort((a, b) => (a.id < b.id ? -1 : 1));
    const expiring = due.reduce((s, b) => s + b.remaining, 0);
    const available = account.available - expiring;
    if (input.points > Math.max(0, available) && !input.mayGoNegative) {
      throw loyaltyErrors.error("loyalty.insufficient_points", `The member has ${available} points available, ${input.points} are needed`, {
        available,
        needed: input.points,
      });
    }
    for (const b of due) {
      if (b.remaining > 0) this.append({ profile_id: input.profileId, kind: "expire", delta: -b.remaining, source: "expiry", bucket_id: b.id, reason: "points expired" });
      this.set(b, 0, "expired");
    }
    if (expiring > 0) {
      account.available -= expiring;
      this.touch(account);
    }
    const allocations: { bucket: string; amount: number }[] = [];
    let left = input.points;
    for (const b of held.filter((x) => x.status === "available" && x.remaining > 0 && (x.expires_at === null || x.expires_at > this.now)).sort(byFifo)) {
      if (left <= 0) break;
      const take = Math.min(left, b.remaining);
      allocations.push({ bucket: b.id, amount: take });
      this.set(b, b.remaining - take, b.status);
      left -= take;
    }
    const entry = this.append({
      profile_id: input.profileId,
      kind: input.kind,
      delta: -input.points,
      source: input.source,
      reason: input.reason,
      idempotency_key: input.idempotencyKey,
      actor: input.actor ?? null,
      allocations,
      metadata: input.metadata ?? {},
    });
    account.available -= input.points;
    this.touch(account);
    return entry;
  }

  /** What to write: new buckets (in their final state), changed ones, the entries in order, the moved accounts. */
  writes(): LedgerWrites {
    return { newBuckets: [...this.created], changedBuckets: [...this.changed], entries: [...this.entries], accounts: [...this.moved] };
  }

  private set(bucket: BucketRow, remaining: number, status: BucketRow["status"]) {
    bucket.remaining = remaining;
    bucket.status = status;
    if (!this.created.has(bucket)) this.changed.add(bucket);
  }

  private touch(account: Account) {
    account.version += 1;
    this.moved.add(account);
  }

  private append(e: Partial<EntryRow> & Pick<EntryRow, "profile_id" | "kind" | "delta" | "source">, id: string = newId()): EntryRow {
    const entry: EntryRow = {
      id,
      workspace_id: this.workspaceId,
      pending_delta: 0,
      reason: null,
      idempotency_key: null,
      bucket_id: null,
      reverses_entry_id: null,
      order_id: null,
      earn_day: null,
      allocations: [],
      metadata: {},
      actor: null,
      created_at: this.now,
      expires_at: null,
      pending_until: null,
      ...e,
    };
    this.entries.push(entry);
    return entry;
  }
}
