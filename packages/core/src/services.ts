import { createAlertsService, type AlertsService } from "./analytics/alerts";
import { createBroadcastsService, type BroadcastsService } from "./broadcasts";
import { createAttributionService, type AttributionService } from "./analytics/attribution";
import type { Db, Warehouse } from "@siyu/storage";
import { createAccessService, type AccessService, type AccessSettings } from "./access";
import { createApiKeysService, type ApiKeysService } from "./api-keys";
import { createAuditService, type AuditService } from "./audit";
import { createConsentsService, syncConsentsToWarehouse, type ConsentsService } from "./consents";
import type { Clock } from "./shared/clock";
import { systemContext } from "./shared/context";
import { createStoresService, type StoresService } from "./stores";
import { consumeEventBatch, DEFAULT_INGEST_SETTINGS, eventReadsOf, type IngestSettings } from "./events";
import { ingestMessages, type IngestOptions } from "./flows/ingest-events.flow";
import { createIdentityService, type IdentityService } from "./identity";
import { createImportsService, DEFAULT_IMPORT_SETTINGS, type ImportSettings, type ImportsService } from "./imports";
import { createProfilesService, projectProfiles, PROFILE_PROJECTOR, type ProfilesService } from "./profiles";
import { ttlCache } from "./shared/ttl-cache";
import type { GroupCommitSettings } from "./shared/group-commit";
import type { IngestResultDto } from "@siyu/contracts";
import { asWarehouseWriter, refreshProfileSnapshot } from "./warehouse";
import { createWorkspacesService, type WorkspacesService } from "./workspaces";
import { createClvService, type ClvService } from "./clv";
import { createTagsService, type TagsService } from "./tags";
import { createScoresService, type ScoresService } from "./scores";
import { createSegmentsService, type SegmentsService } from "./segments";
import {
  createBadgesService,
  createCatalogueService,
  createCheckInsService,
  createCouponsService,
  createLotteryService,
  createCardsService,
  createLiabilityService,
  createPointsService,
  createStoredValueService,
  createTasksService,
  runLoyaltyOrdersBatch,
  runLoyaltyTasksBatch,
  type BadgesService,
  runLoyaltyActivitiesBatch,
  type CheckInsService,
  type CardsService,
  type LiabilityService,
  type CouponsService,
  type TasksService,
  type CatalogueService,
  type LotteryService,
  type PointsService,
  type StoredValueService,
} from "./loyalty";
import { createMemberTokensService, type MemberTokensService } from "./member-tokens";
import { createExploreService, type ExploreService } from "./analytics/explore";
import { createKpiService, type KpiService } from "./analytics/kpi";
import { createMessagingService, enabledChannels, templateFacts, type MessagingService } from "./messaging";
import { createJourneysService, createJourneyTriggerJobs, followMerges, journeyEffects, type JourneyTriggerJobs, runDueJourneyTimers, runJourneyTriggersBatch, type JourneysService, type JourneyTemplateLookup } from "./journeys";

export interface CoreSettings {
  access: AccessSettings;
  /** Defaults to DEFAULT_INGEST_SETTINGS. */
  ingest?: IngestSettings;
  /** Defaults to DEFAULT_IMPORT_SETTINGS. */
  imports?: ImportSettings;
  /** How points awards, adjustments, redemptions and coupon redemptions share transactions; defaults to DEFAULT_GROUP_COMMIT_SETTINGS. */
  groupCommit?: GroupCommitSettings;
}

export interface CoreDeps {
  db: Db;
  /** The event warehouse; the modules that analyse (segments, tags, scores, CLV) need it. */
  warehouse?: Warehouse;
  clock: Clock;
  settings: CoreSettings;
  /**
   * Message templates and channels for journey publish checks (the messaging module's templateFacts /
   * enabledChannels). Without it no template is known and no channel is enabled.
   */
  journeyTemplates?: JourneyTemplateLookup;
}

/** Wires the domain services once over one database handle (or a transaction). */
export interface CoreServices {
  workspaces: WorkspacesService;
  stores: StoresService;
  access: AccessService;
  apiKeys: ApiKeysService;
  audit: AuditService;
  identity: IdentityService;
  profiles: ProfilesService;
  /** Consent per channel and purpose; changes reach the warehouse's copy at once. */
  consents: ConsentsService;
  /** Loyalty points: balances, history, adjustments, redemptions, settings, expiry and release jobs. */
  points: PointsService;
  /** Coupon templates, issuing, redemption against orders. */
  coupons: CouponsService;
  /** Stored value (储值) on a double-entry ledger: top-ups with bonus, spends, refunds. */
  storedValue: StoredValueService;
  /** The redemption catalogue: goods with stock, coupons for points, points + cash; redemption orders. */
  catalogue: CatalogueService;
  /** Lottery campaigns, draws and their prizes. */
  lottery: LotteryService;
  /** Times cards and annual cards: products, sales (optionally paid from stored value), uses, voids, expiry. */
  cards: CardsService;
  /** The liability report (points, stored value, card uses, coupons) and the points expiry forecast. */
  liability: LiabilityService;
  /** Member tokens for the member-facing API: issue, verify, revoke, rotate the workspace's secret. */
  memberTokens: MemberTokensService;
  /** Runs one batch of the loyalty orders consumer (points for orders, reversals and coupon restores on refunds). */
  loyaltyNextBatch(limit?: number): Promise<number>;
  /** Member tasks (e.g. the 7-day new-member list): definitions and each member's progress. */
  tasks: TasksService;
  /** Runs one batch of the tasks consumer (progress from events, rewards on completion). */
  tasksNextBatch(limit?: number): Promise<number>;
  /** Badges and honour titles granted by a segments rule. */
  badges: BadgesService;
  /** Daily check-ins, streaks and make-up cards (operator and member calls). */
  checkIns: CheckInsService;
  /** Runs one batch of the loyalty activities consumer (activity earn rules, check-ins sent as events). */
  loyaltyActivitiesNextBatch(limit?: number): Promise<number>;
  /** CSV import of profiles and orders through the ingest flow. */
  imports: ImportsService;
  /** Customer lifetime value: per-workspace BG/NBD + Gamma-Gamma fits and per-customer predictions (needs the warehouse). */
  clv: ClvService;
  /** Manual and computed tags, tag groups, and their warehouse copy. */
  tags: TagsService;
  /** RFM, lifecycle stages and the value pyramid (computed in the warehouse). */
  scores: ScoresService;
  /** Segments: rule trees evaluated on the warehouse, membership in PostgreSQL. */
  segments: SegmentsService;
  /** Multi-touch attribution of conversions to channels, campaigns, sources or touchpoints (needs the warehouse). */
  attribution: AttributionService;
  /** Alert rules on metric series, evaluated on complete periods; console notifications and signed webhooks. */
  alerts: AlertsService;
  /** One-off and recurring sends to a segment, throttled into the outbox. */
  broadcasts: BroadcastsService;
  /** Analytics explore: event analysis, funnels (with drills saved as segments), retention, paths, saved reports. */
  explore: ExploreService;
  /** The KPI dashboard, acquisition costs, campaign ROI and the weekly review (computed in the warehouse). */
  analyticsKpi: KpiService;
  /** Message templates, channel settings, the suppression list, the message log, the member inbox, unsubscribes and the dispatcher. */
  messaging: MessagingService;
  /** Journeys: drafts, publishing (validated, versioned), API entries, runs, reports, store tasks; startRuns for trigger sources. */
  journeys: JourneysService;
  /** The trigger sources beyond events and the API: segment entered / exited, tier and lifecycle changes, date traits, schedules. */
  journeyTriggers: JourneyTriggerJobs;
  /** Runs one batch of the journeys trigger consumer (event triggers, waits for events, goals). */
  journeyTriggersNextBatch(limit?: number): Promise<number>;
  /** Moves journey runs whose timer is due (waits, timeouts, holdout goal windows); safe to run on several workers. */
  journeyTimersNextBatch(limit?: number): Promise<number>;
  /** Validates and durably logs Segment messages for a workspace. */
  ingest(workspaceId: string, items: readonly unknown[], options?: IngestOptions): Promise<IngestResultDto>;
  /** Runs one batch of the identity & profile projector; returns how many events it handled. */
  projectNextBatch(limit?: number): Promise<number>;
  /** Log rows were deleted (a workspace dropped): the consumers read the store again instead of the events kept in memory (see EventReads). */
  forgetEventReads(): void;
  /** Runs a flow that spans modules in one transaction, with services bound to it. */
  transaction<T>(work: (services: CoreServices, tx: Db) => Promise<T>): Promise<T>;
}

export function createCoreServices(deps: CoreDeps): CoreServices {
  const { db, clock } = deps;
  const stores = createStoresService({ db, clock });
  const identity = createIdentityService({ db, clock });
  const workspaces = createWorkspacesService({ db, clock });
  // Settings are read through the caller's handle: inside the projector's transaction that is the transaction.
  const identitySettings = ttlCache((ws, on: Db) => createIdentityService({ db: on, clock }).settings(ws), 5_000);
  const currencyOf = ttlCache(async (ws, on: Db) => (await createWorkspacesService({ db: on, clock }).get(ws)).currency, 60_000);
  const projectorDeps = {
    clock,
    identitySettings: (ws: string, on: Db = db) => identitySettings.get(ws, on),
    currencyOf: (ws: string, on: Db = db) => currencyOf.get(ws, on),
    // Journey runs follow a merged customer to the survivor.
    onMerged: (tx: Db, ws: string, mergedIds: readonly string[], now: Date) => followMerges(tx, now, ws, mergedIds),
  };
  const importSettings = deps.settings.imports ?? DEFAULT_IMPORT_SETTINGS;
  const profiles = createProfilesService({ db, clock });
  const consents = createConsentsService({ db, clock, resolveProfileId: profiles.resolveId });
  const warehouse = deps.warehouse;
  // Segments validate tag rules against the tags module; rule tags are evaluated by the segments module.
  const segments = createSegmentsService({ db, warehouse, clock, knownTagIds: (ws, ids) => tags.knownIds(ws, ids) });
  const tags = createTagsService({ db, clock, warehouse, profilesOfIdentifiers: identity.profilesOfIdentifiers, evaluateRule: segments.evaluateRule });
  const effects = journeyEffects({ clock, matchRule: (tx, ws, rule, ids, now) => segments.matchProfiles(ws, rule, ids, { now, on: tx }) });
  const coupons = createCouponsService({ db, clock, resolveProfileId: profiles.resolveId, groupCommit: deps.settings.groupCommit });
  const knownIn = async (ids: readonly string[], exists: (id: string) => Promise<unknown>) => {
    const found = new Set<string>();
    for (const id of ids) if (await exists(id).then(() => true, () => false)) found.add(id);
    return found;
  };
  const journeys = createJourneysService({
    db,
    clock,
    effects,
    // Publishing checks each send's template (exists, its channel, its variables) and that the channel is enabled.
    templates: deps.journeyTemplates ?? { templateFacts: (ws, ids) => templateFacts(db, ws, ids), enabledChannels: (ws) => enabledChannels(db, ws) },
    references: {
      segments: (ws, ids) => knownIn(ids, (id) => segments.get(systemContext(ws), id)),
      tags: (ws, ids) => tags.knownIds(ws, ids),
      couponTemplates: (ws, ids) => knownIn(ids, (id) => coupons.getTemplate(systemContext(ws), id)),
      validateRule: warehouse ? (ctx, rule) => segments.validate(ctx, rule) : undefined,
    },
  });
  return {
    workspaces,
    stores,
    access: createAccessService({ db, clock, settings: deps.settings.access, existingStores: stores.existing }),
    apiKeys: createApiKeysService({ db, clock }),
    audit: createAuditService({ db, clock }),
    identity,
    profiles,
    consents: {
      ...consents,
      async set(ctx, profileId, body, source) {
        const result = await consents.set(ctx, profileId, body, source);
        if (warehouse) await asWarehouseWriter(warehouse, () => syncConsentsToWarehouse({ db, warehouse, workspaceId: ctx.workspaceId }));
        return result;
      },
    },
    clv: createClvService({ db, warehouse: deps.warehouse, clock, resolveProfileId: profiles.resolveId }),
    scores: createScoresService({ db, warehouse: deps.warehouse, clock }),
    attribution: createAttributionService({ db, warehouse, clock }),
    alerts: createAlertsService({ db, warehouse, clock }),
    broadcasts: createBroadcastsService({ db, clock, templateChannel: async (tx, workspaceId, id) => (await templateFacts(tx, workspaceId, [id])).get(id)?.channel ?? null }),
    points: createPointsService({ db, clock, resolveProfileId: profiles.resolveId, groupCommit: deps.settings.groupCommit }),
    coupons,
    storedValue: createStoredValueService({ db, clock, resolveProfileId: profiles.resolveId }),
    catalogue: createCatalogueService({ db, clock, resolveProfileId: profiles.resolveId }),
    lottery: createLotteryService({ db, clock, resolveProfileId: profiles.resolveId }),
    cards: createCardsService({ db, clock, resolveProfileId: profiles.resolveId }),
    liability: createLiabilityService({ db, clock }),
    memberTokens: createMemberTokensService({ db, clock, profilesOfIdentifiers: identity.profilesOfIdentifiers, resolveProfileId: profiles.resolveId }),
    loyaltyNextBatch: (limit = 1000) => runLoyaltyOrdersBatch(db, clock, limit),
    tasks: createTasksService({ db, clock, resolveProfileId: profiles.resolveId }),
    tasksNextBatch: (limit = 1000) => runLoyaltyTasksBatch(db, clock, limit),
    badges: createBadgesService({
      db,
      clock,
      resolveProfileId: profiles.resolveId,
      validateRule: segments.validate,
      evaluateRule: segments.evaluateRule,
      refreshSnapshot: warehouse ? (workspaceId) => refreshProfileSnapshot({ db, warehouse, workspaceId }) : undefined,
    }),
    checkIns: createCheckInsService({ db, clock, resolveProfileId: profiles.resolveId }),
    loyaltyActivitiesNextBatch: (limit = 1000) => runLoyaltyActivitiesBatch(db, clock, limit),
    imports: createImportsService({
      db,
      clock,
      settings: importSettings,
      // The same flow as services.ingest; an import is history, so the past limit is the import's own.
      ingest: (workspaceId, items) =>
        ingestMessages({ ...projectorDeps, db, settings: { ...(deps.settings.ingest ?? DEFAULT_INGEST_SETTINGS), maxPastDays: importSettings.maxPastDays } }, workspaceId, items),
      identitySettings: (ws: string) => projectorDeps.identitySettings(ws),
      workspaces,
      stores,
    }),
    tags,
    segments,
    explore: createExploreService({ db, warehouse, clock, workspaces, tags, segments }),
    analyticsKpi: createKpiService({
      db,
      clock,
      warehouse,
      existingStores: stores.existing,
      storeOf: async (ctx, storeId) => {
        const store = await stores.get(ctx, storeId);
        return { id: store.id, code: store.code };
      },
    }),
    messaging: createMessagingService({ db, clock }),
    journeys,
    journeyTriggers: createJourneyTriggerJobs({ db, clock, start: journeys.startRuns, liveJourneys: journeys.liveJourneys }),
    journeyTriggersNextBatch: (limit = 1000) => runJourneyTriggersBatch(db, clock, effects, limit),
    journeyTimersNextBatch: (limit = 500) => runDueJourneyTimers(db, clock, effects, limit),
    ingest: (workspaceId, items, options) =>
      ingestMessages({ ...projectorDeps, db, settings: deps.settings.ingest ?? DEFAULT_INGEST_SETTINGS }, workspaceId, items, options),
    projectNextBatch: (limit = 2000) => consumeEventBatch(db, PROFILE_PROJECTOR, limit, (tx, events) => projectProfiles(tx, events, projectorDeps)),
    forgetEventReads: () => eventReadsOf(db).forget(),
    transaction: (work) => db.transaction((tx) => work(createCoreServices({ ...deps, db: tx }), tx)),
  };
}
