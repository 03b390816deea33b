import type { CoreServices } from "@siyu/core";

export interface Schedule {
  name: string;
  everyMs: number;
  run(services: CoreServices): Promise<void>;
}

/** Periodic jobs. Each module adds its own; all are idempotent, so a missed or doubled run is harmless. */
export const SCHEDULES: Schedule[] = [
  { name: "access.delete_expired_sessions", everyMs: 60 * 60_000, run: (s) => s.access.deleteExpiredSessions() },
  // Merged profiles' points move to the survivor, pending points are released, due points expire (set-based).
  { name: "loyalty.points_jobs", everyMs: 60_000, run: (s) => s.points.runJobs().then(() => {}) },
  // Downgrades after their grace, the inactivity rule, growth leaving the window (upgrades happen with each order).
  { name: "loyalty.tiers", everyMs: 60 * 60_000, run: (s) => s.points.runTierJob().then(() => {}) },
  { name: "loyalty.coupon_expiry", everyMs: 5 * 60_000, run: (s) => s.coupons.runExpiry().then(() => {}) },
  // Member tokens a day past their expiry are forgotten (they are refused on their expiry anyway).
  { name: "member_tokens.delete_expired", everyMs: 60 * 60_000, run: (s) => s.memberTokens.deleteExpired().then(() => {}) },
];
