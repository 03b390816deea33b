export { loyaltyErrors } from "./loyalty.errors";
export type { LoyaltyErrorCode } from "./loyalty.errors";
export {
  pointsAccounts,
  pointsEntries,
  pointsBuckets,
  couponTemplates,
  coupons,
  couponIssueJobs,
  couponIssueJobMembers,
  memberTiers,
  storedValueAccounts,
  storedValueTransactions,
  storedValuePostings,
  catalogueItems,
  redemptionOrders,
  lotteryCampaigns,
  lotteryPrizes,
  lotteryDraws,
  checkIns,
  makeUpCardEntries,
  activityAwards,
  storedValueLots,
  cardProducts,
  memberCards,
  cardEntries,
} from "./loyalty.schema";
export { createPointsService } from "./points/points.service";
export type { PointsService } from "./points/points.service";
export { createCouponsService } from "./coupons/coupons.service";
export type { CouponsService } from "./coupons/coupons.service";
export { pointsForOrder, birthdayMonthOf } from "./points/earn-rules";
export { expireDuePoints, releaseDuePoints, foldMergedAccounts } from "./points/points.jobs";
export { newCouponCode } from "./coupons/coupons.ledger";
export { runLoyaltyOrdersBatch, LOYALTY_ORDERS_CONSUMER } from "./consumers/loyalty-orders.consumer";
export { judgeTier, loadTierSettings, memberTierLevel, recalculateTiers, tierOf } from "./tiers/tiers";
export type { TierState, TierInputs } from "./tiers/tiers";
export { createStoredValueService } from "./stored-value/stored-value.service";
export type { StoredValueService } from "./stored-value/stored-value.service";
export { loyaltyTasks, loyaltyTaskProgress } from "./tasks/tasks.schema";
export { loyaltyBadges, loyaltyBadgeHoldings } from "./badges/badges.schema";
export { createTasksService } from "./tasks/tasks.service";
export type { TasksService } from "./tasks/tasks.service";
export { runLoyaltyTasksBatch, LOYALTY_TASKS_CONSUMER } from "./tasks/tasks.consumer";
export { periodOf as taskPeriodOf } from "./tasks/task-rules";
export { createBadgesService } from "./badges/badges.service";
export type { BadgesService } from "./badges/badges.service";
export { awardPoints } from "./points/points.award";
export { createCatalogueService, memberContext } from "./catalogue/catalogue.service";
export type { CatalogueService } from "./catalogue/catalogue.service";
export { createLotteryService } from "./lottery/lottery.service";
export type { LotteryService } from "./lottery/lottery.service";
export { pickByWeight } from "./lottery/lottery.ledger";
export type { AwardPointsInput, AwardRequest } from "./points/points.award";
export { createCheckInsService } from "./check-ins/check-ins.service";
export type { CheckInsService, CheckInRequest } from "./check-ins/check-ins.service";
export { grantMakeUpCards, recordCheckIn } from "./check-ins/check-ins.ledger";
export { runLoyaltyActivitiesBatch, LOYALTY_ACTIVITIES_CONSUMER } from "./consumers/loyalty-activities.consumer";
export { createCardsService, expireDueCards } from "./cards/cards.service";
export type { CardsService } from "./cards/cards.service";
export { createLiabilityService } from "./liability/liability.service";
export type { LiabilityService } from "./liability/liability.service";
export { couponsOwedAt, pointsOwedAt } from "./liability/owed";
export { expireDueBonus } from "./stored-value/stored-value.ledger";
export { ownersOf } from "./consumers/event-owners";
