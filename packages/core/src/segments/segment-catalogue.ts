// The trait and event catalogue the builder offers, and the workspace's segment settings.
import type { Db } from "@siyu/storage";
import type { SegmentCatalogueDto } from "@siyu/contracts";
import type { WorkspaceContext } from "../shared/context";
import { SEGMENT_LIMITS, segmentSettingsStore, type SegmentSettings } from "./segments.settings";
import { toTraitDefinitionDto } from "./trait-catalogue";
import { needWarehouse, type Env, type SegmentsDeps } from "./segments.types";

// ---------------------------------------------------------------------------------------------
// Catalogue, settings

export async function catalogueDto(env: Env, ctx: WorkspaceContext): Promise<SegmentCatalogueDto> {
  const warehouse = needWarehouse(env.deps);
  const settings = await loadSettings(env.deps.db, ctx.workspaceId);
  const since = new Date(env.deps.clock.now().getTime() - settings.catalogueLookbackDays * 86_400_000).toISOString();
  const events = await warehouse.query<{ event: string; n: bigint }>(
    `select event, count(*) as n from events where workspace_id = $1::uuid and ts >= $2::timestamptz and event is not null
     group by event order by n desc, event limit ${SEGMENT_LIMITS.catalogueEvents}`,
    [ctx.workspaceId, since],
  );
  const keys = events.length
    ? await warehouse.query<{ event: string; key: string; n: bigint }>(
        `select event, k.key, count(*) as n from events, unnest(json_keys(properties)) as k(key)
         where workspace_id = $1::uuid and ts >= $2::timestamptz and event is not null and properties is not null
         group by event, k.key order by event, n desc, k.key`,
        [ctx.workspaceId, since],
      )
    : [];
  const propertiesOf = new Map<string, string[]>();
  for (const k of keys) {
    const list = propertiesOf.get(k.event) ?? [];
    if (list.length < SEGMENT_LIMITS.cataloguePropertiesPerEvent) list.push(k.key);
    propertiesOf.set(k.event, list);
  }
  const traits = await env.catalogue(ctx.workspaceId);
  return {
    traits: traits.traits.map(toTraitDefinitionDto),
    events: events.map((e) => ({ name: e.event, count: Number(e.n), properties: propertiesOf.get(e.event) ?? [] })),
  };
}

export const loadSettings = (db: Db, workspaceId: string): Promise<SegmentSettings> => segmentSettingsStore.load(db, workspaceId);

export const updateSettings = (deps: SegmentsDeps, ctx: WorkspaceContext, input: Partial<SegmentSettings>) =>
  segmentSettingsStore.update(deps.db, deps.clock, ctx, input);
