import { defineErrors } from "../shared/domain-error";

/**
 * Loyalty's closed set of codes. 404: the thing is not there; 409: the state of a shared
 * resource forbids it (stock, limits, an order already used); 422: a business rule says no.
 */
export const loyaltyErrors = defineErrors({
  "loyalty.insufficient_points": 422,
  "loyalty.insufficient_balance": 422,
  "loyalty.spend_not_found": 404,
  "loyalty.idempotency_conflict": 409,
  "loyalty.entry_not_found": 404,
  "loyalty.not_reversible": 409,
  "loyalty.template_not_found": 404,
  "loyalty.template_inactive": 409,
  "loyalty.not_exchangeable": 422,
  "loyalty.not_claimable": 422,
  "loyalty.coupon_not_found": 404,
  "loyalty.issue_job_not_found": 404,
  "loyalty.coupon_expired": 422,
  "loyalty.coupon_not_yet_valid": 422,
  "loyalty.coupon_already_redeemed": 409,
  "loyalty.out_of_stock": 409,
  "loyalty.limit_reached": 409,
  "loyalty.wrong_store": 422,
  "loyalty.threshold_not_met": 422,
});
export type LoyaltyErrorCode = keyof typeof loyaltyErrors.codes;
