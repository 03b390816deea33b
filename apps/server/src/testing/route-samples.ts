/**
 * A valid body for each route that needs one, so route-walking tests reach the
 * handler (and the tenancy check inside it) instead of stopping at validation.
 * A new POST/PATCH route fails those tests until it has an entry here.
 */
export const SAMPLE_BODIES: Record<string, unknown> = {
  "PATCH /api/v1/workspaces/:workspaceId": { name: "Renamed brand" },
  "POST /api/v1/workspaces/:workspaceId/stores": { code: "NEW-1", name: "New store", city: "成都" },
  "PATCH /api/v1/workspaces/:workspaceId/stores/:storeId": { name: "Renamed store" },
  "PATCH /api/v1/workspaces/:workspaceId/operators/:operatorId": { role: "analyst" },
  "POST /api/v1/workspaces/:workspaceId/invitations": { email: "someone@example.com", role: "operator" },
  "POST /api/v1/workspaces/:workspaceId/api-keys": { name: "POS", scope: "admin" },
  "POST /api/v1/workspaces/:workspaceId/customers/:profileId/merges/:mergeId/split": {},
  "PUT /api/v1/workspaces/:workspaceId/customers/:profileId/consents": { consents: [{ channel: "sms", purpose: "marketing", granted: true }] },
  "POST /api/v1/workspaces/:workspaceId/identity/conflicts/:aId/:bId/dismiss": {},
  "PATCH /api/v1/workspaces/:workspaceId/identity/settings": { maxPerProfile: { phone: 1, user_id: 1, wechat_unionid: 1, email: 2 } },
  "POST /api/v1/workspaces/:workspaceId/orders": { orderId: "POS-1", customer: { phone: "13800138000" }, total: 18 },
  "POST /api/v1/workspaces/:workspaceId/orders/:orderId/refunds": { customer: { phone: "13800138000" } },
  "PUT /api/v1/workspaces/:workspaceId/clv/settings": { unit: "week", minCustomers: 200 },
  "POST /api/v1/workspaces/:workspaceId/clv/refit": {},
  "PATCH /api/v1/workspaces/:workspaceId/tags/settings": { recomputeIntervalMinutes: 720 },
  "POST /api/v1/workspaces/:workspaceId/tags": { kind: "manual", name: "Sample tag" },
  "PATCH /api/v1/workspaces/:workspaceId/tags/:tagId": { color: "#1677ff" },
  "POST /api/v1/workspaces/:workspaceId/tags/:tagId/assign": { identifiers: [{ type: "user_id", value: "sample-member" }] },
  "POST /api/v1/workspaces/:workspaceId/tags/:tagId/unassign": { identifiers: [{ type: "user_id", value: "sample-member" }] },
  "POST /api/v1/workspaces/:workspaceId/tags/:tagId/recompute": {},
  "POST /api/v1/workspaces/:workspaceId/tag-groups": { name: "Sample group", exclusive: false },
  "PATCH /api/v1/workspaces/:workspaceId/tag-groups/:groupId": { description: "Renamed" },
  "PUT /api/v1/workspaces/:workspaceId/customers/:profileId/tags/:tagId": {},
  "POST /api/v1/workspaces/:workspaceId/tags/import": "user_id,tag\nsample-member,Sample tag\n",
  "PUT /api/v1/workspaces/:workspaceId/scores/settings": { rfm: { windowDays: 180, method: "thresholds" }, lifecycle: { newDays: 7, growingDays: 90 } },
  "POST /api/v1/workspaces/:workspaceId/scores/recompute": {},
  "POST /api/v1/workspaces/:workspaceId/segments": { name: "上海客户", rule: { type: "trait", trait: "city", op: "eq", value: "上海" } },
  "POST /api/v1/workspaces/:workspaceId/segments/preview": { rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } },
  "PATCH /api/v1/workspaces/:workspaceId/segments/:segmentId": { name: "Renamed segment" },
  "POST /api/v1/workspaces/:workspaceId/segments/:segmentId/refresh": {},
  "PATCH /api/v1/workspaces/:workspaceId/segments/settings": { defaultRefreshEveryMinutes: 120 },
  "PUT /api/v1/workspaces/:workspaceId/loyalty/settings": { points: { pendingDays: 7 } },
  "POST /api/v1/workspaces/:workspaceId/customers/:profileId/points/adjustments": { delta: 10, reason: "goodwill", idempotencyKey: "sample-adjust" },
  "POST /api/v1/workspaces/:workspaceId/customers/:profileId/points/redemptions": { points: 10, reason: "gift", idempotencyKey: "sample-redeem" },
  "POST /api/v1/workspaces/:workspaceId/customers/:profileId/points/exchanges": { templateId: "0190a000-0000-7000-8000-000000000001", idempotencyKey: "sample-exchange" },
  "POST /api/v1/workspaces/:workspaceId/points/entries/:entryId/reversal": { reason: "cancelled", idempotencyKey: "sample-reverse" },
  "POST /api/v1/workspaces/:workspaceId/coupon-templates": { name: "¥5 off", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 } },
  "PUT /api/v1/workspaces/:workspaceId/coupon-templates/:templateId": { name: "¥5 off", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 } },
  "POST /api/v1/workspaces/:workspaceId/coupon-templates/:templateId/issues": { profileIds: ["0190a000-0000-7000-8000-000000000001"], idempotencyKey: "sample-issue" },
  "POST /api/v1/workspaces/:workspaceId/coupon-templates/:templateId/issue-jobs": { profileIds: ["0190a000-0000-7000-8000-000000000001"], idempotencyKey: "sample-job" },
  "POST /api/v1/workspaces/:workspaceId/loyalty/tiers/recalculation": {},
  "POST /api/v1/workspaces/:workspaceId/customers/:profileId/stored-value/top-ups": { amountMinor: 10000, reference: "wx-sample", idempotencyKey: "sample-topup" },
  "POST /api/v1/workspaces/:workspaceId/customers/:profileId/stored-value/spends": { amountMinor: 100, orderId: "POS-SV", idempotencyKey: "sample-spend" },
  "POST /api/v1/workspaces/:workspaceId/customers/:profileId/stored-value/refunds": { orderId: "POS-SV", idempotencyKey: "sample-refund" },
  "POST /api/v1/workspaces/:workspaceId/coupons/redemptions": { code: "ABCD2345EFGH6789", orderId: "POS-1", orderTotalMinor: 1800 },
  "POST /api/v1/workspaces/:workspaceId/coupons/restorations": { orderId: "POS-1" },
  "PUT /api/v1/workspaces/:workspaceId/analytics/settings": { churnDays: 90, margin: { defaultRate: 0.6, categoryRates: { 奶茶: 0.65 } } },
  "POST /api/v1/workspaces/:workspaceId/analytics/costs": { kind: "channel", key: "douyin", from: "2026-01-01", to: "2026-01-31", amountMinor: 300000, note: "Douyin ads" },
  "PUT /api/v1/workspaces/:workspaceId/analytics/costs/:costId": { kind: "campaign", key: "spring-launch", from: "2026-03-01", to: "2026-03-14", amountMinor: 120000 },
  // CSV bodies: sent as a string they carry no content type, which the import routes read as CSV.
  "POST /api/v1/workspaces/:workspaceId/imports/profiles": "user_id,phone,name\nCSV-1,13800138000,样例\n",
  "POST /api/v1/workspaces/:workspaceId/imports/orders": "order_id,phone,total,ordered_at\nCSV-1,13800138000,18,2025-01-01 10:00\n",
};

export function sampleBody(method: string, url: string): unknown {
  return SAMPLE_BODIES[`${method} ${url}`] ?? {};
}
