import { z } from "zod";
import { IsoDateTime } from "./common";

export const LiabilityQuery = z.strictObject({
  /** The report as of this instant (from the ledgers); omitted = now. */
  asOf: IsoDateTime.optional(),
});
export type LiabilityQuery = z.infer<typeof LiabilityQuery>;

const Money = z.number().int();
const LiabilityTotals = z.object({
  pointsAvailable: z.number().int(),
  pointsPending: z.number().int(),
  /** (available + pending) × liability.pointValueMinor, rounded. */
  pointsValueMinor: Money,
  storedValuePrincipalMinor: Money,
  storedValueBonusMinor: Money,
  /** Uses left on active times cards. */
  cardUses: z.number().int(),
  /** Each card's uses left × its price / its uses, rounded per card. */
  cardUsesValueMinor: Money,
  /** Available coupons still valid. */
  coupons: z.number().int(),
  /** Their face value where it is fixed (fixed, threshold and shipping coupons). */
  couponsFaceValueMinor: Money,
  /** Everything above in money. */
  totalMinor: Money,
});
export type LiabilityTotals = z.infer<typeof LiabilityTotals>;

export const LiabilityReportDto = z.object({
  asOf: IsoDateTime,
  currency: z.string(),
  pointValueMinor: z.number(),
  totals: LiabilityTotals,
  /**
   * By store where the data says which: points by the store of the order that earned them, cards and
   * coupons scoped to a single store. storeId null = not tied to one store (stored value always is).
   */
  byStore: z.array(LiabilityTotals.extend({ storeId: z.string().nullable() })),
});
export type LiabilityReportDto = z.infer<typeof LiabilityReportDto>;

export const ExpiryForecastDto = z.object({
  timeZone: z.string(),
  /** 12 workspace-local months from the current one; points already due count in the first. */
  months: z.array(z.object({ month: z.string(), points: z.number().int(), members: z.number().int(), valueMinor: z.number().int() })),
});
export type ExpiryForecastDto = z.infer<typeof ExpiryForecastDto>;
