import type { CatalogueItemDto, CatalogueItemInput, LotteryCampaignDto, LotteryCampaignInput, LotteryPrizeDto } from "@siyu/contracts";

/** The item editor's fields: money in major units (元), dates as ISO strings, empty numbers as undefined. */
export interface ItemFormValues {
  kind: "goods" | "coupon";
  sku?: string;
  name: string;
  description?: string;
  imageUrl?: string;
  pointsCost: number;
  cash?: number;
  stock?: number;
  perMemberLimit?: number;
  perMemberDailyLimit?: number;
  templateId?: string;
  storeIds?: string[];
  range?: [string, string];
  status: "active" | "paused";
}

export const ITEM_FORM_FIELDS = ["kind", "sku", "name", "description", "imageUrl", "pointsCost", "cash", "stock", "perMemberLimit", "perMemberDailyLimit", "templateId", "storeIds", "range", "status"];
export const EMPTY_ITEM_FORM: ItemFormValues = { kind: "goods", name: "", pointsCost: 100, status: "active" };

const orNull = <T,>(v: T | undefined | null | ""): T | null => (v === undefined || v === null || v === "" ? null : v);

export function itemToForm(item: CatalogueItemDto, perUnit: number): ItemFormValues {
  return {
    kind: item.kind,
    sku: item.sku ?? undefined,
    name: item.name,
    description: item.description ?? undefined,
    imageUrl: item.imageUrl ?? undefined,
    pointsCost: item.pointsCost,
    cash: item.cashMinor === null ? undefined : item.cashMinor / perUnit,
    stock: item.stock ?? undefined,
    perMemberLimit: item.perMemberLimit ?? undefined,
    perMemberDailyLimit: item.perMemberDailyLimit ?? undefined,
    templateId: item.templateId ?? undefined,
    storeIds: item.storeIds ?? undefined,
    range: item.availableFrom && item.availableUntil ? [item.availableFrom, item.availableUntil] : undefined,
    status: item.status === "paused" ? "paused" : "active",
  };
}

export function formToItem(v: ItemFormValues, perUnit: number): CatalogueItemInput {
  const goods = v.kind === "goods";
  return {
    kind: v.kind,
    sku: goods ? orNull(v.sku?.trim()) : null,
    name: v.name,
    description: orNull(v.description?.trim()),
    imageUrl: orNull(v.imageUrl?.trim()),
    pointsCost: v.pointsCost,
    cashMinor: goods && orNull(v.cash) !== null ? Math.round(v.cash! * perUnit) : null,
    stock: goods ? orNull(v.stock) : null,
    perMemberLimit: orNull(v.perMemberLimit),
    perMemberDailyLimit: orNull(v.perMemberDailyLimit),
    availableFrom: v.range?.[0] ?? null,
    availableUntil: v.range?.[1] ?? null,
    storeIds: v.storeIds && v.storeIds.length > 0 ? v.storeIds : null,
    templateId: goods ? null : orNull(v.templateId),
    status: v.status,
  };
}

export interface LotteryFormValues {
  name: string;
  pointsCost: number;
  perMemberDailyLimit?: number;
  perMemberLimit?: number;
  range?: [string, string];
  status: "active" | "paused";
  prizes: { id?: string; name: string; kind: LotteryPrizeDto["kind"]; points?: number; templateId?: string; itemId?: string; weight: number; stock?: number }[];
}

export const LOTTERY_FORM_FIELDS = ["name", "pointsCost", "perMemberDailyLimit", "perMemberLimit", "range", "status", "prizes"];
export const EMPTY_LOTTERY_FORM: LotteryFormValues = {
  name: "",
  pointsCost: 10,
  perMemberDailyLimit: 3,
  status: "active",
  prizes: [{ name: "", kind: "none", weight: 50 }],
};

export function lotteryToForm(c: LotteryCampaignDto): LotteryFormValues {
  return {
    name: c.name,
    pointsCost: c.pointsCost,
    perMemberDailyLimit: c.perMemberDailyLimit ?? undefined,
    perMemberLimit: c.perMemberLimit ?? undefined,
    range: c.startsAt && c.endsAt ? [c.startsAt, c.endsAt] : undefined,
    status: c.status === "paused" ? "paused" : "active",
    prizes: c.prizes.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      points: p.points ?? undefined,
      templateId: p.templateId ?? undefined,
      itemId: p.itemId ?? undefined,
      weight: p.weight,
      stock: p.stock ?? undefined,
    })),
  };
}

export function formToLottery(v: LotteryFormValues): LotteryCampaignInput {
  return {
    name: v.name,
    pointsCost: v.pointsCost,
    perMemberDailyLimit: orNull(v.perMemberDailyLimit),
    perMemberLimit: orNull(v.perMemberLimit),
    startsAt: v.range?.[0] ?? null,
    endsAt: v.range?.[1] ?? null,
    status: v.status,
    prizes: (v.prizes ?? []).map((p) => ({
      id: p.id ?? null,
      name: p.name,
      kind: p.kind,
      points: p.kind === "points" ? orNull(p.points) : null,
      templateId: p.kind === "coupon" ? orNull(p.templateId) : null,
      itemId: p.kind === "goods" ? orNull(p.itemId) : null,
      weight: p.weight,
      stock: p.kind === "none" ? null : orNull(p.stock),
    })),
  };
}
