import { type Clock, createCoreServices, DEFAULT_ACCESS_SETTINGS, systemClock, type CoreServices } from "@siyu/core";
import type { ApiKeyScope, Role } from "@siyu/contracts";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { buildHttpServer, type App, type HttpServerOptions } from "../http/build-http-server";
import { createMetricsRegistry } from "../http/plugins/metrics.plugin";
import { CONSOLE_DIST_DIR } from "../compose";

/** Cheap hashing keeps tests fast; the production defaults are tested on their own. */
export const TEST_ACCESS_SETTINGS = { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 };
export const TEST_PASSWORD = "correct horse battery";

export interface TestApp {
  app: App;
  services: CoreServices;
  database: TestDatabase;
  warehouse: Warehouse;
  close(): Promise<void>;
}

/** `options.clock` replaces the system clock everywhere (services, dispatcher, channel adapters) for tests that move time. */
export async function buildTestApp(overrides: Partial<HttpServerOptions> = {}, options: { clock?: Clock } = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  const services = createCoreServices({ db: database.db, warehouse, clock: options.clock ?? systemClock, settings: { access: TEST_ACCESS_SETTINGS } });
  const app = await buildHttpServer({
    services,
    registry: createMetricsRegistry(),
    readiness: { database: () => database.ping(), warehouse: () => warehouse.ping() },
    logLevel: "silent",
    bodyLimitBytes: 1024 * 1024,
    trustProxy: false,
    rateLimitPerIpPerMinute: 100_000,
    rateLimitPerKeyPerMinute: 100_000,
    rateLimitPerMemberPerMinute: 100_000,
    publicUrl: () => "http://siyu.test",
    consoleDistDir: CONSOLE_DIST_DIR,
    version: "test",
    ...overrides,
  });
  await app.ready();
  return {
    app,
    services,
    database,
    warehouse,
    async close() {
      await app.close();
      await warehouse.close();
      await database.close();
    },
  };
}

export interface TestWorkspace {
  workspaceId: string;
  ownerCookie: string;
  ownerId: string;
}

let counter = 0;
function uniqueEmail(label: string) {
  counter += 1;
  return `${label}-${process.pid}-${counter}@example.com`;
}

export async function login(app: App, email: string, password = TEST_PASSWORD): Promise<string> {
  const res = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === "siyu_session");
  if (!cookie) throw new Error("no session cookie");
  return `siyu_session=${cookie.value}`;
}

/** A workspace with an owner who is logged in. */
export async function createWorkspace(t: TestApp, name = "Brand"): Promise<TestWorkspace> {
  const email = uniqueEmail("owner");
  const owner = await t.services.access.createOperator({ email, name: `${name} owner`, password: TEST_PASSWORD });
  const cookie = await login(t.app, email);
  const res = await t.app.inject({ method: "POST", url: "/api/v1/workspaces", headers: { cookie }, payload: { name } });
  if (res.statusCode !== 201) throw new Error(`workspace create failed: ${res.body}`);
  return { workspaceId: res.json<{ id: string }>().id, ownerCookie: cookie, ownerId: owner.id };
}

/**
 * An operator with `role` in the workspace, logged in; returns their cookie and id. Route walks that only
 * need the operator's id pass `login: false` (the login route allows 20 attempts a minute).
 */
export async function addOperator(t: TestApp, ws: TestWorkspace, role: Role, storeIds: string[] = [], options: { login?: boolean } = {}) {
  const email = uniqueEmail(role);
  const operator = await t.services.access.createOperator({ email, name: `${role} person`, password: TEST_PASSWORD });
  await t.services.access.addMembership(
    { workspaceId: ws.workspaceId, actor: { type: "system", id: null, name: "test" }, storeIds: null, ip: null },
    { operatorId: operator.id, email, role, storeIds },
  );
  return { cookie: options.login === false ? "" : await login(t.app, email), operatorId: operator.id, email };
}

export async function createApiKey(t: TestApp, ws: TestWorkspace, scope: ApiKeyScope) {
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/workspaces/${ws.workspaceId}/api-keys`,
    headers: { cookie: ws.ownerCookie },
    payload: { name: `${scope} key`, scope },
  });
  if (res.statusCode !== 201) throw new Error(`api key create failed: ${res.body}`);
  const body = res.json<{ apiKey: { id: string }; secret: string }>();
  return { id: body.apiKey.id, secret: body.secret, authorization: `Bearer ${body.secret}` };
}

export async function createStore(t: TestApp, ws: TestWorkspace, code: string, city = "上海") {
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/workspaces/${ws.workspaceId}/stores`,
    headers: { cookie: ws.ownerCookie },
    payload: { code, name: `Store ${code}`, city },
  });
  if (res.statusCode !== 201) throw new Error(`store create failed: ${res.body}`);
  return res.json<{ id: string }>().id;
}

export interface RouteInfo {
  method: string;
  url: string;
  auth: string | undefined;
  permission: string | undefined;
  audited: boolean | undefined;
  schema: Record<string, unknown> | undefined;
}

/** The API's routes as Fastify holds them; tests walk this table so new routes are covered without a list. */
export function apiRoutes(app: App): RouteInfo[] {
  return app.routeTable
    .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({ r, method: String(method) })))
    .filter(({ r, method }) => (r.url.startsWith("/api/") || r.url.startsWith("/v1/") || r.url.startsWith("/member/")) && method !== "HEAD")
    .map(({ r, method }) => ({
      method,
      url: r.url,
      auth: r.config?.auth,
      permission: r.config?.permission,
      audited: r.config?.audited,
      schema: r.schema as Record<string, unknown> | undefined,
    }));
}

/** Fills `:param` placeholders from a map; throws on a param the map does not know. */
export function fillParams(url: string, values: Record<string, string>): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No test value for :${name} in ${url}: add one to the fixture map`);
    return value;
  });
}

let seedSerial = 0;

/**
 * Customers through the real tracking API: a profile that absorbed another (a
 * merge to split), a refused link (a conflict to review) and an order.
 */
export async function seedCustomers(t: TestApp, ws: TestWorkspace, ingestAuthorization: string) {
  seedSerial += 1;
  const s = `${seedSerial}-${ws.workspaceId.slice(-6)}`;
  const phone = (n: number) => `1390000${String(seedSerial * 10 + n).padStart(4, "0")}`;
  const batch = [
    { type: "identify", messageId: `${s}-1`, anonymousId: `anon-${s}`, traits: { name: "陈静" } },
    { type: "identify", messageId: `${s}-2`, userId: `member-${s}`, traits: { phone: phone(1) } },
    { type: "identify", messageId: `${s}-3`, userId: `member-${s}`, anonymousId: `anon-${s}` },
    { type: "identify", messageId: `${s}-4`, userId: `member-${s}`, traits: { phone: phone(2) } },
    { type: "track", messageId: `${s}-5`, userId: `member-${s}`, event: "Order Completed", properties: { order_id: `order-${s}`, total: 32 } },
  ];
  for (const item of batch) {
    const res = await t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: ingestAuthorization }, payload: { batch: [item] } });
    if (res.statusCode !== 200) throw new Error(`seed ingest failed: ${res.body}`);
    while ((await t.services.projectNextBatch()) > 0);
  }
  const ctx = { workspaceId: ws.workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
  const member = (await t.services.profiles.list(ctx, { limit: 10, q: `member-${s}` }, await t.services.identity.settings(ws.workspaceId))).items[0];
  if (!member) throw new Error("seeded member not found");
  const [merge] = await t.services.identity.mergesOf(ctx, member.id);
  const [conflict] = (await t.services.identity.listConflicts(ctx, 50)).filter((c) => c.a.profileId === member.id || c.b.profileId === member.id);
  if (!merge || !conflict) throw new Error("seed made no merge or no conflict");
  const segment = await t.services.segments.create(ctx, { name: `Buyers ${s}`, rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } });
  // Loyalty objects: a coupon template and a reversible points redemption.
  const template = await t.services.coupons.createTemplate(ctx, { name: `Seed ${s}`, kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 }, perMemberLimit: null });
  await t.services.points.adjust(ctx, member.id, { delta: 100, reason: "seed", idempotencyKey: `seed-add-${s}` });
  const spent = await t.services.points.redeem(ctx, member.id, { points: 10, reason: "seed", idempotencyKey: `seed-spend-${s}` });
  const job = await t.services.coupons.createIssueJob(ctx, template.id, { profileIds: [member.id], idempotencyKey: `seed-job-${s}` });
  // An alert rule that holds every day, evaluated once: a rule and an alert for the route walks.
  const rule = await t.services.alerts.createRule(ctx, { name: `Seed ${s}`, metric: { kind: "orders" }, granularity: "day", condition: { kind: "threshold", direction: "above", value: -1 } });
  await t.services.alerts.evaluateDue({ workspaceId: ws.workspaceId });
  const alert = (await t.services.alerts.events(ctx, { limit: 1 })).items[0];
  if (!alert) throw new Error("seed raised no alert");
  const code = `seed_${s.replace(/[^a-z0-9]/gi, "_").toLowerCase()}`;
  const task = await t.services.tasks.create(ctx, { code, nameZh: "首单", kind: "once", steps: [{ kind: "event", event: "Order Completed" }], rewardPoints: 10 });
  const badge = await t.services.badges.create(ctx, { code, nameZh: "买家", rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } });
  // Catalogue and lottery: an item with a pending redemption, and a lottery.
  const item = await t.services.catalogue.createItem(ctx, { kind: "goods", sku: `SEED-${s}`, name: `Seed item ${s}`, pointsCost: 10, stock: 5 });
  // Its own points, so the customer's balance stays where the earlier fixtures left it (90).
  await t.services.points.adjust(ctx, member.id, { delta: 10, reason: "seed", idempotencyKey: `seed-catalogue-${s}` });
  const redemption = await t.services.catalogue.redeem(ctx, member.id, { itemId: item.id, idempotencyKey: `seed-redeem-${s}` });
  const campaign = await t.services.lottery.create(ctx, { name: `Seed draw ${s}`, pointsCost: 0, prizes: [{ name: "Thanks", kind: "none", weight: 1 }] });
  // Stored value and cards: a top-up (refundable), a card product and a card the member holds.
  const topup = await t.services.storedValue.topUp(ctx, member.id, { amountMinor: 10_000, reference: `seed-${s}`, idempotencyKey: `seed-topup-${s}` });
  const product = await t.services.cards.createProduct(ctx, { name: `Seed card ${s}`, kind: "times", uses: 12, validityDays: 365, priceMinor: 30_000 });
  const card = await t.services.cards.issue(ctx, member.id, { productId: product.id, idempotencyKey: `seed-card-${s}` });
  const report = await t.services.explore.reports.create(ctx, { kind: "funnel", name: `Seed ${s}`, query: { steps: [{ event: "pv" }, { event: "buy" }], period: { from: "2026-11-01", to: "2026-11-30" } } });
  // Messaging: a template, a message queued with it, and a suppression entry.
  const messageTemplate = await t.services.messaging.templates.create(ctx, { name: `Seed ${s}`, channel: "inbox", content: { "zh-CN": { subject: "欢迎", body: "{{ profile.name }}，你好" } } });
  // A broadcast a day ahead: scheduled, so it can be cancelled.
  const broadcast = await t.services.broadcasts.create(ctx, {
    name: `Seed ${s}`,
    segmentId: segment.id,
    channel: "inbox",
    templateId: messageTemplate.id,
    category: "general",
    startAt: new Date(Date.now() + 86_400_000).toISOString(),
    repeatEveryDays: null,
    perMinute: 1000,
  });
  const cost = await t.services.analyticsKpi.createCost(ctx, { kind: "channel", key: "douyin", from: "2026-01-01", to: "2026-01-31", amountMinor: 300000, storeId: null, note: null });
  const message = await t.services.messaging.messages.send(ctx, { profileId: member.id, templateId: messageTemplate.id, category: "service", idempotencyKey: `seed-msg-${s}`, variables: {} });
  const suppression = await t.services.messaging.suppressions.add(ctx, { channel: "sms", address: `+86${phone(3)}`, note: "" });
  // Journeys: one live api journey whose run left a store task, and a second one nobody entered yet.
  const journeyGraph = (action: Record<string, unknown>) => ({
    nodes: [
      { id: "t", type: "trigger" as const, position: { x: 0, y: 0 }, trigger: { kind: "api" as const } },
      { id: "a", type: "action" as const, position: { x: 0, y: 100 }, action: action as never },
      { id: "end", type: "exit" as const, position: { x: 0, y: 200 } },
    ],
    edges: [
      { from: "t", to: "a", handle: "next" },
      { from: "a", to: "end", handle: "next" },
    ],
  });
  const withTask = await t.services.journeys.create(ctx, { name: `Seed task ${s}`, description: "", graph: journeyGraph({ kind: "store_task", title: "Call", note: "", storeId: null }), playbook: null });
  await t.services.journeys.publish(ctx, withTask.id);
  await t.services.journeys.enter(ctx, withTask.id, { entries: [{ profileId: member.id, idempotencyKey: `seed-${s}`, variables: {} }] });
  const journeyTask = (await t.services.journeys.tasks(ctx, { limit: 1 })).items[0];
  if (!journeyTask) throw new Error("seed made no journey task");
  const journey = await t.services.journeys.create(ctx, { name: `Seed journey ${s}`, description: "", graph: journeyGraph({ kind: "award_points", points: 1, reason: "seed" }), playbook: null });
  await t.services.journeys.publish(ctx, journey.id);
  return {
    messageTemplateId: messageTemplate.id,
    messageId: message.id,
    suppressionId: suppression.id,
    journeyId: journey.id,
    journeyTaskId: journeyTask.id,
    costId: cost.id,
    broadcastId: broadcast.id,
    reportId: report.id,
    topupId: topup.transaction.id,
    productId: product.id,
    cardId: card.card.id,
    profileId: member.id,
    mergeId: merge.id,
    aId: conflict.aId,
    bId: conflict.bId,
    orderId: `order-${s}`,
    templateId: template.id,
    entryId: spent.entry.id,
    jobId: job.id,
    segmentId: segment.id,
    taskId: task.id,
    badgeId: badge.id,
    ruleId: rule.id,
    eventId: alert.id,
    itemId: item.id,
    redemptionId: redemption.redemption.id,
    campaignId: campaign.id,
  };
}

let tagSerial = 0;

/** A manual tag (ungrouped) and an empty tag group, for route walks: `:tagId` and `:groupId`. */
export async function seedTags(t: TestApp, ws: TestWorkspace) {
  tagSerial += 1;
  const ctx = { workspaceId: ws.workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
  const group = await t.services.tags.createGroup(ctx, { name: `Fixture group ${tagSerial}`, exclusive: false });
  const tag = await t.services.tags.create(ctx, { kind: "manual", name: `Fixture tag ${tagSerial}` });
  return { tagId: tag.id, groupId: group.id };
}
