import { and, eq, sql, type SQL } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { z } from "zod";
import { appendAuditEntry, diffFields } from "../audit";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { rows } from "../shared/sql-rows";
import { DEFAULT_TIME_ZONE } from "../workspaces";
import { workspaceSettings } from "./settings.schema";

/** A settings value that parses but the module refuses (e.g. a window whose lower bound is above its upper one). */
export interface SettingsProblem {
  /** The offending key, named in the 4xx the module throws. */
  field: string;
  message: string;
}

export interface WorkspaceSettingsDefinition<S extends z.ZodObject> {
  /** The row's key in workspace_settings; one per module, never renamed (stored rows carry it). */
  module: string;
  schema: S;
  defaults: z.output<S>;
  /** The audit entry each change appends; `targetId` is the workspace. */
  audit: { action: string; targetType: string; summary: string };
  /** Rules across fields that the schema does not express; each problem is turned into the module's error by `invalid`. */
  check?: (settings: z.output<S>) => SettingsProblem[];
  /** The module's own 4xx for a problem `check` found. */
  invalid?: (problem: SettingsProblem) => Error;
}

export interface WorkspaceSettings<T> {
  readonly module: string;
  /** The stored settings merged over the defaults; keys no longer known, or no longer valid, take their defaults. */
  load(db: Db, workspaceId: string): Promise<T>;
  /** `load` and the workspace's time zone (workspaceTimeZone) in one statement, for the hot paths that need both. */
  loadWithTimeZone(db: Db, workspaceId: string): Promise<{ settings: T; timeZone: string }>;
  /**
   * loadWithTimeZone's read as two columns (`settings`, `timezone`) for another statement's select list,
   * so a hot path that reads other rows too needs one round trip; `fromColumns` reads them from its row.
   */
  columnsWithTimeZone(workspaceId: string): SQL;
  fromColumns(row: { settings?: unknown; timezone?: unknown } | undefined): { settings: T; timeZone: string };
  /** PATCH semantics: the given keys over the current settings. Audited with the changed keys only. */
  update(db: Db, clock: Clock, ctx: WorkspaceContext, patch: Partial<Record<keyof T & string, unknown>>): Promise<T>;
  /** PUT semantics: the whole settings object; keys left out take their defaults. Audited with the changed keys only. */
  replace(db: Db, clock: Clock, ctx: WorkspaceContext, whole: Partial<Record<keyof T & string, unknown>>): Promise<T>;
}

/**
 * One module's per-workspace settings: a zod object with defaults, kept as one row of
 * workspace_settings, changed in one transaction with its audit entry.
 */
export function defineWorkspaceSettings<S extends z.ZodObject>(definition: WorkspaceSettingsDefinition<S>): WorkspaceSettings<z.output<S>> {
  type T = z.output<S>;
  const { module, schema, defaults } = definition;
  const keys = Object.keys(schema.shape) as (keyof T & string)[];

  const fromStored = (stored: unknown): T => {
    const candidate: Record<string, unknown> = { ...defaults };
    if (stored && typeof stored === "object") {
      for (const key of keys) if (key in stored) candidate[key] = (stored as Record<string, unknown>)[key];
    }
    let parsed = schema.safeParse(candidate);
    if (!parsed.success) {
      // A key written by an older version that no longer validates takes its default; the rest stay.
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if (typeof key === "string" && key in candidate) candidate[key] = (defaults as Record<string, unknown>)[key];
      }
      parsed = schema.safeParse(candidate);
    }
    return parsed.success ? (parsed.data as T) : defaults;
  };

  const load = async (db: Db, workspaceId: string): Promise<T> => {
    const [row] = await db
      .select({ settings: workspaceSettings.settings })
      .from(workspaceSettings)
      .where(and(eq(workspaceSettings.workspaceId, workspaceId), eq(workspaceSettings.module, module)));
    return fromStored(row?.settings);
  };

  const columnsWithTimeZone = (workspaceId: string): SQL =>
    sql`(select settings from workspace_settings where workspace_id = ${workspaceId}::uuid and module = ${module}) as settings,
        (select timezone from workspaces where id = ${workspaceId}::uuid) as timezone`;

  const fromColumns = (row: { settings?: unknown; timezone?: unknown } | undefined) => ({
    settings: fromStored(row?.settings),
    timeZone: typeof row?.timezone === "string" ? row.timezone : DEFAULT_TIME_ZONE,
  });

  const loadWithTimeZone = async (db: Db, workspaceId: string): Promise<{ settings: T; timeZone: string }> => {
    const [row] = await rows<{ settings: unknown; timezone: string | null }>(db, sql`select ${columnsWithTimeZone(workspaceId)}`);
    return fromColumns(row);
  };

  const save = (db: Db, clock: Clock, ctx: WorkspaceContext, next: (before: T) => unknown): Promise<T> =>
    db.transaction(async (tx) => {
      const before = await load(tx, ctx.workspaceId);
      const after = schema.parse(next(before)) as T;
      const problem = definition.check?.(after)[0];
      if (problem) {
        if (!definition.invalid) throw new Error(`${module} settings: ${problem.field} ${problem.message}`);
        throw definition.invalid(problem);
      }
      const now = clock.now();
      const settings = after as Record<string, unknown>;
      await tx
        .insert(workspaceSettings)
        .values({ workspaceId: ctx.workspaceId, module, settings, updatedAt: now })
        .onConflictDoUpdate({ target: [workspaceSettings.workspaceId, workspaceSettings.module], set: { settings, updatedAt: now } });
      await appendAuditEntry(tx, clock, ctx, {
        ...definition.audit,
        targetId: ctx.workspaceId,
        ...diffFields<Record<string, unknown>>(before as Record<string, unknown>, settings, keys),
      });
      return after;
    });

  return {
    module,
    load,
    loadWithTimeZone,
    columnsWithTimeZone,
    fromColumns,
    update: (db, clock, ctx, patch) => save(db, clock, ctx, (before) => ({ ...before, ...patch })),
    // Keys left out take their defaults, also where the schema itself has none.
    replace: (db, clock, ctx, whole) => save(db, clock, ctx, () => ({ ...defaults, ...whole })),
  };
}
