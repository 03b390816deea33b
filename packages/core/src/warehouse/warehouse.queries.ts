import type { Warehouse } from "@siyu/storage";
import { warehouseErrors } from "./warehouse.errors";
import { localDateSql } from "./local-date-sql";

// Every query here is scoped to one workspace and reads ts in [from, to).

export interface EventRangeInput {
  from: Date;
  to: Date;
  /** Only this track event name. */
  event?: string;
}

export interface EventsPerDayInput extends EventRangeInput {
  /** The workspace's IANA time zone (e.g. "Asia/Shanghai"): days start at its midnight. */
  timeZone: string;
}

export interface DayCount {
  /** The local calendar day, YYYY-MM-DD. */
  day: string;
  count: number;
}

export async function countEvents(warehouse: Warehouse, workspaceId: string, input: EventRangeInput): Promise<number> {
  const [row] = await warehouse.query<{ n: bigint }>(
    `select count(*) as n from events
     where workspace_id = $1::uuid and ts >= $2::timestamptz and ts < $3::timestamptz and ($4::varchar is null or event = $4)`,
    rangeParams(workspaceId, input),
  );
  return Number(row?.n ?? 0);
}

/** Events per track event name, most frequent first. */
export async function countEventsByName(
  warehouse: Warehouse,
  workspaceId: string,
  input: Omit<EventRangeInput, "event">,
): Promise<{ event: string; count: number }[]> {
  const rows = await warehouse.query<{ event: string; n: bigint }>(
    `select event, count(*) as n from events
     where workspace_id = $1::uuid and ts >= $2::timestamptz and ts < $3::timestamptz and event is not null
     group by event order by n desc, event`,
    rangeParams(workspaceId, input).slice(0, 3),
  );
  return rows.map((r) => ({ event: r.event, count: Number(r.n) }));
}

/**
 * Events per local day in the workspace's time zone (checked, then spliced by localDateSql);
 * days without events are left out.
 */
export async function eventsPerDay(warehouse: Warehouse, workspaceId: string, input: EventsPerDayInput): Promise<DayCount[]> {
  checkTimeZone(input.timeZone);
  const rows = await warehouse.query<{ day: string; n: bigint }>(
    `select strftime(${localDateSql(input.timeZone, "ts")}, '%Y-%m-%d') as day, count(*) as n from events
     where workspace_id = $1::uuid and ts >= $2::timestamptz and ts < $3::timestamptz and ($4::varchar is null or event = $4)
     group by day order by day`,
    rangeParams(workspaceId, input),
  );
  return rows.map((r) => ({ day: r.day, count: Number(r.n) }));
}

/** Removes a workspace's rows from the warehouse (the workspace is being deleted, or its demo reset). */
export async function deleteWorkspaceFromWarehouse(warehouse: Warehouse, workspaceId: string): Promise<void> {
  await warehouse.transaction(async (tx) => {
    for (const table of ["events", "order_events", "first_touches", "profile_identifiers", "profiles", "profile_tags", "profile_scores", "profile_clv", "profile_consents"]) {
      await tx.run(`delete from ${table} where workspace_id = $1::uuid`, [workspaceId]);
    }
  });
}

function rangeParams(workspaceId: string, input: { from: Date; to: Date; event?: string }): (string | null)[] {
  if (Number.isNaN(input.from.getTime()) || Number.isNaN(input.to.getTime()) || input.from >= input.to) {
    throw warehouseErrors.error("warehouse.invalid_range", "from must be a date before to");
  }
  return [workspaceId, input.from.toISOString(), input.to.toISOString(), input.event ?? null];
}

function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
  } catch {
    throw warehouseErrors.error("warehouse.invalid_time_zone", `${timeZone} is not an IANA time zone`, { timeZone });
  }
}
