import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { IdempotencyKey, StoredValueTransactionDto } from "./loyalty";

const StoreKey = z.string().min(1).max(200);

/** Times cards (次卡: N uses, e.g. 12 cups) and annual cards (年卡: unlimited uses, optionally at most K per local day). */
export const CARD_KINDS = ["times", "annual"] as const;
export const CardKind = z.enum(CARD_KINDS);
export type CardKind = z.infer<typeof CardKind>;

export const CreateCardProductBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    kind: CardKind,
    /** times: the uses a card holds; annual: must be null. */
    uses: z.number().int().min(1).max(10_000).nullable().default(null),
    /** annual: at most this many uses per workspace-local day; null = unlimited. */
    dailyLimit: z.number().int().min(1).max(1000).nullable().default(null),
    /** A card is valid this many days from its issue. */
    validityDays: z.number().int().min(1).max(3650),
    /** What a card costs, in minor units; also what its unused part is worth in the liability report. */
    priceMinor: z.number().int().min(0).max(100_000_000_00),
    /** Stores (as orders send store_id) where it may be used; null = every store. */
    storeIds: z.array(StoreKey).min(1).max(1000).nullable().default(null),
    status: z.enum(["active", "paused"]).default("active"),
  })
  .superRefine((p, ctx) => {
    if (p.kind === "times" && p.uses === null) ctx.addIssue({ code: "custom", path: ["uses"], message: "is required for a times card" });
    if (p.kind === "annual" && p.uses !== null) ctx.addIssue({ code: "custom", path: ["uses"], message: "must be null for an annual card (its uses are unlimited)" });
    if (p.kind === "times" && p.dailyLimit !== null) ctx.addIssue({ code: "custom", path: ["dailyLimit"], message: "applies to annual cards only" });
  });
export type CreateCardProductBody = z.infer<typeof CreateCardProductBody>;
export type CreateCardProductInput = z.input<typeof CreateCardProductBody>;

export const CardProductDto = z.object({
  id: Id,
  name: z.string(),
  kind: CardKind,
  uses: z.number().int().nullable(),
  dailyLimit: z.number().int().nullable(),
  validityDays: z.number().int(),
  priceMinor: z.number().int(),
  storeIds: z.array(z.string()).nullable(),
  status: z.enum(["active", "paused", "archived"]),
  /** Cards issued so far. */
  issuedCount: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type CardProductDto = z.infer<typeof CardProductDto>;
export const CardProductListDto = z.object({ items: z.array(CardProductDto) });
export const CardProductParams = z.strictObject({ workspaceId: Id, productId: Id });
export const MemberCardParams = z.strictObject({ workspaceId: Id, cardId: Id });

export const IssueCardBody = z.strictObject({
  productId: Id,
  /** true: the price is paid from the member's stored value in the same transaction (a spend with order id `card:<cardId>`). */
  payWithStoredValue: z.boolean().default(false),
  /** The payment it came from when not paid from stored value (e.g. a WeChat Pay transaction id). */
  reference: z.string().trim().min(1).max(200).nullable().default(null),
  idempotencyKey: IdempotencyKey,
});
export type IssueCardBody = z.infer<typeof IssueCardBody>;
export type IssueCardInput = z.input<typeof IssueCardBody>;

export const UseCardBody = z.strictObject({
  /** The store it is used in, checked against the product's storeIds. */
  storeId: StoreKey.nullable().default(null),
  /** The order or visit it is used for. */
  reference: z.string().trim().min(1).max(200).nullable().default(null),
  idempotencyKey: IdempotencyKey,
});
export type UseCardBody = z.infer<typeof UseCardBody>;
export type UseCardInput = z.input<typeof UseCardBody>;

export const VoidCardBody = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  idempotencyKey: IdempotencyKey,
});
export type VoidCardBody = z.infer<typeof VoidCardBody>;

export const MemberCardDto = z.object({
  id: Id,
  profileId: Id,
  productId: Id,
  name: z.string(),
  kind: CardKind,
  status: z.enum(["active", "voided", "expired"]),
  /** times: uses held at issue; annual: null. */
  usesTotal: z.number().int().nullable(),
  /** times: uses left (== the sum of the card's entries); annual: null. */
  usesRemaining: z.number().int().nullable(),
  usesCount: z.number().int(),
  dailyLimit: z.number().int().nullable(),
  storeIds: z.array(z.string()).nullable(),
  priceMinor: z.number().int(),
  /** The stored-value spend that paid for it, if any. */
  storedValueTransactionId: Id.nullable(),
  validFrom: IsoDateTime,
  validUntil: IsoDateTime,
  createdAt: IsoDateTime,
});
export type MemberCardDto = z.infer<typeof MemberCardDto>;
export const MemberCardListDto = z.object({ items: z.array(MemberCardDto) });

export const CardEntryDto = z.object({
  id: Id,
  cardId: Id,
  kind: z.enum(["issue", "use", "void", "expire"]),
  /** Change in uses left (times cards; 0 on annual cards except for uses, which are -1). */
  delta: z.number().int(),
  useDay: z.string().nullable(),
  storeId: z.string().nullable(),
  reference: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  actor: z.string().nullable(),
  createdAt: IsoDateTime,
});
export type CardEntryDto = z.infer<typeof CardEntryDto>;

export const CardOperationDto = z.object({
  card: MemberCardDto,
  entry: CardEntryDto,
  /** On void: the unused part's value (price × uses left / uses, or × days left / validity days for annual cards). */
  refundableMinor: z.number().int().nullable(),
  /** On a sale paid from stored value, or a void giving its unused value back to stored value. */
  storedValueTransaction: StoredValueTransactionDto.nullable(),
  replayed: z.boolean(),
});
export type CardOperationDto = z.infer<typeof CardOperationDto>;
