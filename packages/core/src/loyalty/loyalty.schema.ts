// The loyalty tables live beside the code of each use case; re-exported here for the module index and drizzle.
// The loyalty settings are a row of workspace_settings (module "loyalty", see loyalty.settings.ts).
export { pointsAccounts, pointsEntries, pointsBuckets } from "./points/points.schema";
export { couponTemplates, coupons, couponRedemptions, couponIssueJobs, couponIssueJobMembers } from "./coupons/coupons.schema";
export { memberTiers } from "./tiers/tiers.schema";
export { storedValueAccounts, storedValueTransactions, storedValuePostings, storedValueLots } from "./stored-value/stored-value.schema";
export { catalogueItems, redemptionOrders } from "./catalogue/catalogue.schema";
export { lotteryCampaigns, lotteryPrizes, lotteryDraws } from "./lottery/lottery.schema";
export { checkIns, makeUpCardEntries } from "./check-ins/check-ins.schema";
export { activityAwards } from "./consumers/loyalty-activities.schema";
export { cardProducts, memberCards, cardEntries } from "./cards/cards.schema";
