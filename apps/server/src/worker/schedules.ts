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
  // Birthday gifts of the tier levels, once per member per year, queued as bulk issue jobs; hourly so a restart skips no day.
  { name: "loyalty.birthday_gifts", everyMs: 60 * 60_000, run: (s) => s.coupons.runBirthdayGifts().then(() => {}) },
  { name: "loyalty.coupon_expiry", everyMs: 5 * 60_000, run: (s) => s.coupons.runExpiry().then(() => {}) },
  // Each rule is judged once per period that is over (day or week, in the workspace's time zone).
  { name: "alerts.evaluate", everyMs: 10 * 60_000, run: (s) => s.alerts.evaluateDue().then(() => {}) },
  // The alerts' webhook outbox: due deliveries and retries.
  { name: "alerts.webhooks", everyMs: 30_000, run: (s) => s.alerts.deliverWebhooks().then(() => {}) },
  // Points + cash orders whose external payment did not arrive within catalogue.paymentTimeoutMinutes are cancelled.
  { name: "loyalty.catalogue_payments", everyMs: 60_000, run: (s) => s.catalogue.runPaymentTimeouts().then(() => {}) },
  // What merged-away profiles hold in stored value moves to their live profiles (operations on the live profile fold it at once).
  { name: "loyalty.stored_value_merges", everyMs: 60_000, run: (s) => s.storedValue.runMergeFold().then(() => {}) },
  // Top-up bonus past storedValue.bonusExpiryDays (a bonus_expiry transaction per lot), set-based per 1,000 accounts.
  { name: "loyalty.bonus_expiry", everyMs: 5 * 60_000, run: (s) => s.storedValue.runBonusExpiry().then(() => {}) },
  // Times and annual cards past their validity: what is left is written off with an expire entry.
  { name: "loyalty.card_expiry", everyMs: 5 * 60_000, run: (s) => s.cards.runExpiry().then(() => {}) },
  // Broadcasts: due occurrences start (segment members copied), then batches go to the outbox at the throttle.
  { name: "broadcasts.send", everyMs: 60_000, run: (s) => s.broadcasts.runDue().then(() => {}) },
  // Member tokens a day past their expiry are forgotten (they are refused on their expiry anyway).
  { name: "member_tokens.delete_expired", everyMs: 60 * 60_000, run: (s) => s.memberTokens.deleteExpired().then(() => {}) },
  // Journey trigger sources read profile events (segment entered / exited, tier and lifecycle changes) from their own position.
  { name: "journeys.triggers.segments", everyMs: 30_000, run: (s) => s.journeyTriggers.segments().then(() => {}) },
  { name: "journeys.triggers.tiers", everyMs: 30_000, run: (s) => s.journeyTriggers.tiers().then(() => {}) },
  { name: "journeys.triggers.lifecycle", everyMs: 30_000, run: (s) => s.journeyTriggers.lifecycle().then(() => {}) },
  // Date traits (birthdays) and schedules enter customers once per local day, once their local time has come.
  { name: "journeys.triggers.date_traits", everyMs: 5 * 60_000, run: (s) => s.journeyTriggers.dateTraits().then(() => {}) },
  { name: "journeys.triggers.schedules", everyMs: 5 * 60_000, run: (s) => s.journeyTriggers.schedules().then(() => {}) },
];
