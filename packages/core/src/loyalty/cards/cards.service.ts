import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import {
  CreateCardProductBody,
  IssueCardBody,
  UseCardBody,
  type CardEntryDto,
  type CardOperationDto,
  type CardProductDto,
  type CreateCardProductInput,
  type IssueCardInput,
  type MemberCardDto,
  type StoredValueResultDto,
  type UseCardInput,
  type VoidCardBody,
} from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { isUniqueViolation } from "../../shared/domain-error";
import { newId } from "../../shared/ids";
import { addDays, localDay } from "../../shared/local-time";
import { workspaceTimeZone } from "../loyalty-workspace";
import { loyaltyErrors } from "../loyalty.errors";
import { loadSettings } from "../loyalty.settings";
import { profilesMergedInto } from "../../profiles";
import { rows } from "../points/points.ledger";
import { liveRoot } from "../points/points.jobs";
import { refundLocked, spendLocked } from "../stored-value/stored-value.ledger";
import { storedValueOnce } from "../stored-value/stored-value.service";

export interface CardsDeps {
  db: Db;
  clock: Clock;
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

interface ProductRow {
  id: string;
  name: string;
  kind: "times" | "annual";
  uses: number | null;
  daily_limit: number | null;
  validity_days: number;
  price_minor: string | number;
  store_ids: string[] | null;
  status: CardProductDto["status"];
  issued_count: number;
  created_at: string | Date;
  updated_at: string | Date;
}

interface CardRow {
  id: string;
  workspace_id: string;
  profile_id: string;
  product_id: string;
  name: string;
  kind: "times" | "annual";
  status: MemberCardDto["status"];
  uses_total: number | null;
  uses_remaining: number | null;
  uses_count: number;
  daily_limit: number | null;
  store_ids: string[] | null;
  price_minor: string | number;
  stored_value_tx_id: string | null;
  issue_key: string;
  valid_from: string | Date;
  valid_until: string | Date;
  created_at: string | Date;
}

interface EntryRow {
  id: string;
  card_id: string;
  kind: CardEntryDto["kind"];
  delta: number;
  use_day: string | null;
  store_id: string | null;
  reference: string | null;
  idempotency_key: string | null;
  actor: string | null;
  created_at: string | Date;
}

const iso = (v: string | Date) => new Date(v).toISOString();

function toProductDto(p: ProductRow): CardProductDto {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    uses: p.uses,
    dailyLimit: p.daily_limit,
    validityDays: p.validity_days,
    priceMinor: Number(p.price_minor),
    storeIds: p.store_ids,
    status: p.status,
    issuedCount: p.issued_count,
    createdAt: iso(p.created_at),
    updatedAt: iso(p.updated_at),
  };
}

function toCardDto(c: CardRow, now?: Date): MemberCardDto {
  // Reads show a card past its validity as expired at once; the job records it.
  const status = c.status === "active" && now && new Date(c.valid_until) <= now ? "expired" : c.status;
  return {
    id: c.id,
    profileId: c.profile_id,
    productId: c.product_id,
    name: c.name,
    kind: c.kind,
    status,
    usesTotal: c.uses_total,
    usesRemaining: c.uses_remaining,
    usesCount: c.uses_count,
    dailyLimit: c.daily_limit,
    storeIds: c.store_ids,
    priceMinor: Number(c.price_minor),
    storedValueTransactionId: c.stored_value_tx_id,
    validFrom: iso(c.valid_from),
    validUntil: iso(c.valid_until),
    createdAt: iso(c.created_at),
  };
}

function toEntryDto(e: EntryRow): CardEntryDto {
  return {
    id: e.id,
    cardId: e.card_id,
    kind: e.kind,
    delta: Number(e.delta),
    useDay: e.use_day,
    storeId: e.store_id,
    reference: e.reference,
    idempotencyKey: e.idempotency_key,
    actor: e.actor,
    createdAt: iso(e.created_at),
  };
}

/** What the unused part of a card is worth: price × uses left / uses, or × whole days left / validity days for an annual card. */
export function unusedValueMinor(c: Pick<CardRow, "kind" | "uses_total" | "uses_remaining" | "price_minor" | "valid_from" | "valid_until">, now: Date): number {
  const price = Number(c.price_minor);
  if (c.kind === "times") return c.uses_total ? Math.round((price * (c.uses_remaining ?? 0)) / c.uses_total) : 0;
  const day = 86_400_000;
  const total = Math.round((new Date(c.valid_until).getTime() - new Date(c.valid_from).getTime()) / day);
  const left = Math.max(0, Math.floor((new Date(c.valid_until).getTime() - now.getTime()) / day));
  return total > 0 ? Math.round((price * Math.min(left, total)) / total) : 0;
}

async function insertEntry(tx: Db, c: CardRow, e: { kind: CardEntryDto["kind"]; delta: number; useDay?: string | null; storeId?: string | null; reference?: string | null; key: string | null; actor: string }, now: Date): Promise<EntryRow> {
  const [row] = await rows<EntryRow>(
    tx,
    sql`insert into card_entries (id, workspace_id, card_id, profile_id, kind, delta, use_day, store_id, reference, idempotency_key, actor, created_at)
        values (${newId()}::uuid, ${c.workspace_id}::uuid, ${c.id}::uuid, ${c.profile_id}::uuid, ${e.kind}, ${e.delta}, ${e.useDay ?? null}, ${e.storeId ?? null}, ${e.reference ?? null},
          ${e.key}, ${e.actor}, ${now.toISOString()}::timestamptz)
        returning *`,
  );
  return row!;
}

/**
 * Expires active cards past their validity, set-based: what is left of each is written off with one
 * `expire` entry. Idempotent: an expired card is no longer active.
 */
export async function expireDueCards(db: Db, now: Date, limit = 5000): Promise<number> {
  const at = now.toISOString();
  const [r] = await rows<{ n: number | string }>(
    db,
    sql`with due as (
          select id, workspace_id, profile_id, coalesce(uses_remaining, 0) as left_uses from member_cards
          where status = 'active' and valid_until <= ${at}::timestamptz order by valid_until, id limit ${limit} for update),
        expired as (update member_cards c set status = 'expired', uses_remaining = case when c.uses_remaining is null then null else 0 end from due where c.id = due.id),
        entries as (
          insert into card_entries (id, workspace_id, card_id, profile_id, kind, delta, actor, created_at)
          select gen_random_uuid(), workspace_id, id, profile_id, 'expire', -left_uses, 'system', ${at}::timestamptz from due)
        select count(*) as n from due`,
  );
  return Number(r?.n ?? 0);
}

export function createCardsService(deps: CardsDeps) {
  const { db, clock } = deps;

  async function productRow(on: Db, ctx: WorkspaceContext, productId: string): Promise<ProductRow> {
    const [p] = await rows<ProductRow>(on, sql`select * from card_products where workspace_id = ${ctx.workspaceId}::uuid and id = ${productId}::uuid and status <> 'archived'`);
    if (!p) throw loyaltyErrors.error("loyalty.card_product_not_found", "No such card product");
    return p;
  }

  async function lockCard(tx: Db, ctx: WorkspaceContext, cardId: string): Promise<CardRow> {
    const [c] = await rows<CardRow>(tx, sql`select * from member_cards where workspace_id = ${ctx.workspaceId}::uuid and id = ${cardId}::uuid for update`);
    if (!c) throw loyaltyErrors.error("loyalty.card_not_found", "No such card");
    return c;
  }

  async function svTransaction(on: Db, id: string | null) {
    if (!id) return null;
    const [t] = await rows<{ id: string }>(on, sql`select id from stored_value_transactions where id = ${id}::uuid`);
    return t ? id : null;
  }

  /** A keyed card operation: replays answer the first entry; a key reused on another card or kind is a conflict. */
  async function keyed(ctx: WorkspaceContext, cardId: string, key: string, kind: CardEntryDto["kind"], work: (tx: Db, card: CardRow, now: Date) => Promise<CardOperationDto>): Promise<CardOperationDto> {
    const now = clock.now();
    const replay = async (on: Db): Promise<CardOperationDto | null> => {
      const [e] = await rows<EntryRow>(on, sql`select * from card_entries where workspace_id = ${ctx.workspaceId}::uuid and idempotency_key = ${key}`);
      if (!e) return null;
      if (e.card_id !== cardId || e.kind !== kind) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${key}" was used for a different request`);
      const [c] = await rows<CardRow>(on, sql`select * from member_cards where id = ${cardId}::uuid`);
      return { card: toCardDto(c!, now), entry: toEntryDto(e), refundableMinor: null, storedValueTransaction: null, replayed: true };
    };
    try {
      return await db.transaction(async (tx) => {
        const card = await lockCard(tx, ctx, cardId);
        return (await replay(tx)) ?? (await work(tx, card, now));
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const prior = await replay(db);
      if (!prior) throw error;
      return prior;
    }
  }

  return {
    async createProduct(ctx: WorkspaceContext, input: CreateCardProductInput): Promise<CardProductDto> {
      const body = CreateCardProductBody.parse(input);
      const now = clock.now().toISOString();
      return db.transaction(async (tx) => {
        const [p] = await rows<ProductRow>(
          tx,
          sql`insert into card_products (id, workspace_id, name, kind, uses, daily_limit, validity_days, price_minor, store_ids, status, issued_count, created_at, updated_at)
              values (${newId()}::uuid, ${ctx.workspaceId}::uuid, ${body.name}, ${body.kind}, ${body.uses}, ${body.dailyLimit}, ${body.validityDays}, ${body.priceMinor},
                ${body.storeIds === null ? null : JSON.stringify(body.storeIds)}::jsonb, ${body.status}, 0, ${now}::timestamptz, ${now}::timestamptz)
              returning *`,
        );
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.card_product_created", targetType: "card_product", targetId: p!.id, summary: `Card product "${body.name}" created`, after: body as unknown as Record<string, unknown> });
        return toProductDto(p!);
      });
    },

    async listProducts(ctx: WorkspaceContext): Promise<CardProductDto[]> {
      return (await rows<ProductRow>(db, sql`select * from card_products where workspace_id = ${ctx.workspaceId}::uuid and status <> 'archived' order by created_at desc`)).map(toProductDto);
    },

    async getProduct(ctx: WorkspaceContext, productId: string): Promise<CardProductDto> {
      return toProductDto(await productRow(db, ctx, productId));
    },

    /** Replaces the product's terms; cards already issued keep theirs. */
    async updateProduct(ctx: WorkspaceContext, productId: string, input: CreateCardProductInput): Promise<CardProductDto> {
      const body = CreateCardProductBody.parse(input);
      return db.transaction(async (tx) => {
        const before = await productRow(tx, ctx, productId);
        const [p] = await rows<ProductRow>(
          tx,
          sql`update card_products set name = ${body.name}, kind = ${body.kind}, uses = ${body.uses}, daily_limit = ${body.dailyLimit}, validity_days = ${body.validityDays},
                price_minor = ${body.priceMinor}, store_ids = ${body.storeIds === null ? null : JSON.stringify(body.storeIds)}::jsonb, status = ${body.status},
                updated_at = ${clock.now().toISOString()}::timestamptz
              where id = ${productId}::uuid returning *`,
        );
        await appendAuditEntry(tx, clock, ctx, {
          action: "loyalty.card_product_updated",
          targetType: "card_product",
          targetId: productId,
          summary: `Card product "${body.name}" changed`,
          before: toProductDto(before) as unknown as Record<string, unknown>,
          after: body as unknown as Record<string, unknown>,
        });
        return toProductDto(p!);
      });
    },

    /** Archives: no more sales; cards already issued stay usable. */
    async archiveProduct(ctx: WorkspaceContext, productId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const p = await productRow(tx, ctx, productId);
        await tx.execute(sql`update card_products set status = 'archived', updated_at = ${clock.now().toISOString()}::timestamptz where id = ${productId}::uuid`);
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.card_product_archived", targetType: "card_product", targetId: productId, summary: `Card product "${p.name}" archived` });
      });
    },

    /** Sells (issues) a card: idempotent by key; paid from stored value in the same transaction when asked. */
    async issue(ctx: WorkspaceContext, profileId: string, input: IssueCardInput): Promise<CardOperationDto> {
      const body = IssueCardBody.parse(input);
      const live = await deps.resolveProfileId(ctx, profileId);
      const now = clock.now();
      const replay = async (on: Db): Promise<CardOperationDto | null> => {
        const [c] = await rows<CardRow>(on, sql`select * from member_cards where workspace_id = ${ctx.workspaceId}::uuid and issue_key = ${body.idempotencyKey}`);
        if (!c) return null;
        if (c.profile_id !== live || c.product_id !== body.productId) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${body.idempotencyKey}" was used for a different request`);
        const [e] = await rows<EntryRow>(on, sql`select * from card_entries where card_id = ${c.id}::uuid and kind = 'issue'`);
        return { card: toCardDto(c, now), entry: toEntryDto(e!), refundableMinor: null, storedValueTransaction: null, replayed: true };
      };
      try {
        return await db.transaction(async (tx) => {
          const prior = await replay(tx);
          if (prior) return prior;
          const cardId = newId();
          let paid: StoredValueResultDto | null = null;
          const price = Number((await productRow(tx, ctx, body.productId)).price_minor);
          if (body.payWithStoredValue && price > 0) {
            // The member's stored-value account is locked before the product row, as every card sale does.
            const spendOrder = (await loadSettings(tx, ctx.workspaceId)).storedValue.spendOrder;
            // A racing sale with the same key replays this spend here, then meets the card's unique issue key and answers the first card.
            paid = await storedValueOnce(tx, ctx, live, `card-sale:${body.idempotencyKey}`, now, (t) => t.kind === "spend", (op) => spendLocked(tx, op, { amountMinor: price, orderId: `card:${cardId}`, spendOrder }));
          }
          const [p] = await rows<ProductRow>(
            tx,
            sql`update card_products set issued_count = issued_count + 1 where workspace_id = ${ctx.workspaceId}::uuid and id = ${body.productId}::uuid and status <> 'archived' returning *`,
          );
          if (!p) throw loyaltyErrors.error("loyalty.card_product_not_found", "No such card product");
          if (p.status !== "active") throw loyaltyErrors.error("loyalty.card_product_inactive", `Card product "${p.name}" is ${p.status}`);
          const [card] = await rows<CardRow>(
            tx,
            sql`insert into member_cards (id, workspace_id, profile_id, product_id, name, kind, status, uses_total, uses_remaining, uses_count, daily_limit, store_ids, price_minor,
                  stored_value_tx_id, issue_key, valid_from, valid_until, created_at)
                values (${cardId}::uuid, ${ctx.workspaceId}::uuid, ${live}::uuid, ${p.id}::uuid, ${p.name}, ${p.kind}, 'active', ${p.uses}, ${p.uses}, 0, ${p.daily_limit},
                  ${p.store_ids === null ? null : JSON.stringify(p.store_ids)}::jsonb, ${Number(p.price_minor)}, ${paid?.transaction.id ?? null}::uuid, ${body.idempotencyKey},
                  ${now.toISOString()}::timestamptz, ${addDays(now, p.validity_days).toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
                returning *`,
          );
          const entry = await insertEntry(tx, card!, { kind: "issue", delta: p.uses ?? 0, reference: body.reference, key: null, actor: ctx.actor.name }, now);
          return { card: toCardDto(card!, now), entry: toEntryDto(entry), refundableMinor: null, storedValueTransaction: paid?.transaction ?? null, replayed: false };
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const prior = await replay(db);
        if (!prior) throw error;
        return prior;
      }
    },

    /** One use: checks the card is active, valid, scoped to the store, has a use left (times) and is under the local daily limit (annual). */
    async use(ctx: WorkspaceContext, cardId: string, input: UseCardInput): Promise<CardOperationDto> {
      const body = UseCardBody.parse(input);
      return keyed(ctx, cardId, body.idempotencyKey, "use", async (tx, card, now) => {
        if (card.status === "voided") throw loyaltyErrors.error("loyalty.card_voided", "The card was voided");
        if (card.status === "expired" || new Date(card.valid_until) <= now) throw loyaltyErrors.error("loyalty.card_expired", `The card expired at ${iso(card.valid_until)}`, { validUntil: iso(card.valid_until) });
        if (card.store_ids && !(body.storeId && card.store_ids.includes(body.storeId))) {
          throw loyaltyErrors.error("loyalty.wrong_store", "The card is not valid in this store", { storeIds: card.store_ids });
        }
        if (card.kind === "times" && (card.uses_remaining ?? 0) <= 0) throw loyaltyErrors.error("loyalty.card_used_up", "The card has no uses left");
        const day = localDay(now, await workspaceTimeZone(tx, ctx.workspaceId));
        if (card.kind === "annual" && card.daily_limit !== null) {
          const [u] = await rows<{ n: number | string }>(tx, sql`select count(*) as n from card_entries where card_id = ${card.id}::uuid and kind = 'use' and use_day = ${day}`);
          if (Number(u!.n) >= card.daily_limit) throw loyaltyErrors.error("loyalty.card_daily_limit", `At most ${card.daily_limit} use(s) per day`, { limit: card.daily_limit, day });
        }
        const entry = await insertEntry(tx, card, { kind: "use", delta: card.kind === "times" ? -1 : 0, useDay: day, storeId: body.storeId, reference: body.reference, key: body.idempotencyKey, actor: ctx.actor.name }, now);
        const [next] = await rows<CardRow>(
          tx,
          sql`update member_cards set uses_count = uses_count + 1, uses_remaining = case when uses_remaining is null then null else uses_remaining - 1 end
              where id = ${card.id}::uuid returning *`,
        );
        return { card: toCardDto(next!, now), entry: toEntryDto(entry), refundableMinor: null, storedValueTransaction: null, replayed: false };
      });
    },

    /**
     * Voids what is left of a card (audited). The unused part's value is answered; when the card was paid
     * from stored value it goes back there in the same transaction (a partial refund of the sale).
     */
    async void(ctx: WorkspaceContext, cardId: string, body: VoidCardBody): Promise<CardOperationDto> {
      return keyed(ctx, cardId, body.idempotencyKey, "void", async (tx, card, now) => {
        if (card.status === "voided") throw loyaltyErrors.error("loyalty.not_reversible", "The card was already voided");
        if (card.status === "expired" || new Date(card.valid_until) <= now) throw loyaltyErrors.error("loyalty.card_expired", "The card has expired: nothing is left to void");
        const refundable = unusedValueMinor(card, now);
        const entry = await insertEntry(tx, card, { kind: "void", delta: -(card.uses_remaining ?? 0), reference: body.reason, key: body.idempotencyKey, actor: ctx.actor.name }, now);
        const [next] = await rows<CardRow>(
          tx,
          sql`update member_cards set status = 'voided', uses_remaining = case when uses_remaining is null then null else 0 end where id = ${card.id}::uuid returning *`,
        );
        let back: StoredValueResultDto | null = null;
        if (refundable > 0 && (await svTransaction(tx, card.stored_value_tx_id))) {
          // To the card's holder as they are now: the profile it was merged into, if it was.
          const holder = (await liveRoot(tx, ctx.workspaceId, card.profile_id)) ?? card.profile_id;
          back = await storedValueOnce(tx, ctx, holder, `card-void:${body.idempotencyKey}`, now, (t) => t.kind === "refund", (op) =>
            refundLocked(tx, op, { orderId: `card:${card.id}`, amountMinor: refundable }),
          );
        }
        await appendAuditEntry(tx, clock, ctx, {
          action: "loyalty.card_voided",
          targetType: "member_card",
          targetId: card.id,
          summary: `Card "${card.name}" voided (${body.reason}); unused value ${refundable}${back ? ", returned to stored value" : ""}`,
          before: { status: card.status, usesRemaining: card.uses_remaining },
          after: { status: "voided", usesRemaining: next!.uses_remaining, refundableMinor: refundable, storedValueTransactionId: back?.transaction.id ?? null },
        });
        return { card: toCardDto(next!, now), entry: toEntryDto(entry), refundableMinor: refundable, storedValueTransaction: back?.transaction ?? null, replayed: false };
      });
    },

    /** The cards of the customer: the live profile's and those of the profiles merged into it. */
    async listOfCustomer(ctx: WorkspaceContext, profileId: string): Promise<MemberCardDto[]> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const now = clock.now();
      const found = await rows<CardRow>(
        db,
        sql`select * from member_cards where workspace_id = ${ctx.workspaceId}::uuid
              and profile_id = any(array(select id from ${profilesMergedInto(ctx.workspaceId, [live])} m))
            order by created_at desc, id desc limit 200`,
      );
      return found.map((c) =>
        toCardDto(c, now),
      );
    },

    async entries(ctx: WorkspaceContext, cardId: string): Promise<CardEntryDto[]> {
      const [c] = await rows<{ id: string }>(db, sql`select id from member_cards where workspace_id = ${ctx.workspaceId}::uuid and id = ${cardId}::uuid`);
      if (!c) throw loyaltyErrors.error("loyalty.card_not_found", "No such card");
      return (await rows<EntryRow>(db, sql`select * from card_entries where card_id = ${cardId}::uuid order by created_at desc, id desc limit 500`)).map(toEntryDto);
    },

    /** The job: cards past their validity are expired, what is left written off. */
    async runExpiry(): Promise<number> {
      let total = 0;
      for (let n = await expireDueCards(db, clock.now()); n > 0; n = await expireDueCards(db, clock.now())) total += n;
      return total;
    },
  };
}
export type CardsService = ReturnType<typeof createCardsService>;
