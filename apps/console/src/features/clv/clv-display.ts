import type { ClvModelStatus, CustomerClvDto } from "@siyu/contracts";

/** What the CLV card shows instead of numbers, or "prediction" when it has them. */
export type ClvCardState = "prediction" | "not_fitted" | "insufficient_data" | "fit_failed" | "no_orders";

export function clvCardState(clv: Pick<CustomerClvDto, "modelStatus" | "prediction">): ClvCardState {
  if (clv.prediction) return "prediction";
  const byStatus: Record<ClvModelStatus, ClvCardState> = {
    not_fitted: "not_fitted",
    insufficient_data: "insufficient_data",
    fit_failed: "fit_failed",
    // The model is fitted but this customer has no order in it.
    fitted: "no_orders",
  };
  return byStatus[clv.modelStatus];
}

/** 0.8734 → "87%"; below 1 % one decimal, so that a nearly lost customer does not read as 0 %. */
export function formatProbability(p: number, locale: string): string {
  const digits = p > 0 && p < 0.01 ? 1 : 0;
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits, minimumFractionDigits: digits }).format(p);
}

/** Expected purchases: two decimals under 10, one above ("0.37", "12.4"). */
export function formatExpectedCount(n: number, locale: string): string {
  const digits = Math.abs(n) < 10 ? 2 : 1;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}

/** Major units (the warehouse's money) → integer minor units for the shared money formatter. */
export function toMinor(major: number | null | undefined, digits: number): number | null {
  if (major === null || major === undefined || !Number.isFinite(major)) return null;
  return Math.round(major * 10 ** digits);
}
