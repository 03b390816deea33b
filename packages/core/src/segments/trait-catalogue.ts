import type { Warehouse } from "@siyu/storage";
import type { TraitDefinitionDto, TraitType } from "@siyu/contracts";

/**
 * Where a built-in trait's value comes from: a column of the warehouse's `profiles` snapshot
 * (or an expression over columns), or a key of its free `traits` JSON.
 */
export type TraitSource =
  | { kind: "column"; column: "name" | "phone" | "first_seen_at" | "last_seen_at" | "last_order_at" | "event_count" | "order_count" }
  | { kind: "total_spend" }
  | { kind: "average_order_value" }
  | { kind: "json"; key: string };

export interface TraitDefinition {
  key: string;
  type: TraitType;
  source: "builtin" | "custom";
  label: string;
  from: TraitSource;
}

function builtin(key: string, type: TraitType, label: string, from: TraitSource): TraitDefinition {
  return { key, type, source: "builtin", label, from };
}

/**
 * Traits every profile has. Money is in major units: total_spend_minor / 100, which assumes a
 * currency with two decimals (CNY, USD…), the workspace's currency.
 */
export const BUILTIN_TRAITS: readonly TraitDefinition[] = [
  builtin("name", "string", "Name", { kind: "column", column: "name" }),
  builtin("phone", "string", "Phone", { kind: "column", column: "phone" }),
  builtin("email", "string", "Email", { kind: "json", key: "email" }),
  builtin("gender", "string", "Gender", { kind: "json", key: "gender" }),
  builtin("birthday", "date", "Birthday", { kind: "json", key: "birthday" }),
  builtin("city", "string", "City", { kind: "json", key: "city" }),
  builtin("registration_store", "string", "Registration store", { kind: "json", key: "registration_store" }),
  builtin("source_channel", "string", "Source channel", { kind: "json", key: "source_channel" }),
  builtin("first_seen_at", "date", "First seen", { kind: "column", column: "first_seen_at" }),
  builtin("last_seen_at", "date", "Last seen", { kind: "column", column: "last_seen_at" }),
  builtin("last_order_at", "date", "Last order", { kind: "column", column: "last_order_at" }),
  builtin("event_count", "number", "Events", { kind: "column", column: "event_count" }),
  builtin("order_count", "number", "Orders", { kind: "column", column: "order_count" }),
  builtin("total_spend", "number", "Total spend", { kind: "total_spend" }),
  builtin("average_order_value", "number", "Average order value", { kind: "average_order_value" }),
];

const BUILTIN_KEYS = new Set(BUILTIN_TRAITS.map((t) => t.key));

/** Keys a custom trait (or event property) may have: anything a quoted JSON path can name without escaping. */
export function isSafeKey(key: string): boolean {
  if (key.length < 1 || key.length > 100) return false;
  for (const ch of key) {
    if (ch === '"' || ch === "\\" || ch.charCodeAt(0) < 0x20) return false;
  }
  return true;
}

/** ISO dates and date-times (an offset, or none for UTC): the strings that make a trait a date. */
export const ISO_DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?$";
const ISO_DATE = new RegExp(ISO_DATE_PATTERN);

/** Epoch milliseconds of an ISO date string (a date or a date-time without offset is UTC), or null. */
export function parseIsoDate(value: unknown): number | null {
  if (typeof value !== "string" || !ISO_DATE.test(value)) return null;
  let text = value.replace(" ", "T");
  if (text.length > 10 && !/(Z|[+-]\d{2}:\d{2})$/.test(text)) text += "Z";
  // Reject days JavaScript would roll over (2021-02-30): the calendar day must survive the round trip.
  const day = Date.parse(`${text.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== text.slice(0, 10)) return null;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(ms) ? null : ms;
}

export interface TraitCatalogue {
  traits: TraitDefinition[];
  byKey: Map<string, TraitDefinition>;
}

export function catalogueOf(custom: readonly TraitDefinition[]): TraitCatalogue {
  const traits = [...BUILTIN_TRAITS, ...custom.filter((t) => !BUILTIN_KEYS.has(t.key))];
  return { traits, byKey: new Map(traits.map((t) => [t.key, t])) };
}

export function toTraitDefinitionDto(t: TraitDefinition): TraitDefinitionDto {
  return { key: t.key, type: t.type, source: t.source, label: t.label };
}

/**
 * Custom traits: the keys of live profiles' free traits with the JSON type most of their
 * values have (ISO date strings count as dates). Keys a built-in already covers are left out.
 */
export async function discoverCustomTraits(warehouse: Warehouse, workspaceId: string, limit = 500): Promise<TraitDefinition[]> {
  const rows = await warehouse.query<{ key: string; kind: string; n: bigint }>(
    `with kv as (
       select k.key, json_type(p.traits, '$."' || k.key || '"') as jt,
              json_extract_string(p.traits, '$."' || k.key || '"') as s
       from profiles p, unnest(json_keys(p.traits)) as k(key)
       where p.workspace_id = $1::uuid and p.merged_into is null and p.traits is not null
         and not contains(k.key, '"') and not contains(k.key, '\\')
     )
     select key,
            case when jt in ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT') then 'number'
                 when jt = 'BOOLEAN' then 'boolean'
                 when jt = 'VARCHAR' and regexp_matches(s, $2) then 'date'
                 when jt = 'VARCHAR' then 'string'
                 else 'other' end as kind,
            count(*) as n
     from kv where jt is not null and jt <> 'NULL'
     group by all`,
    [workspaceId, ISO_DATE_PATTERN],
  );
  const best = new Map<string, { kind: string; n: number }>();
  for (const r of rows) {
    if (r.kind === "other" || BUILTIN_KEYS.has(r.key) || !isSafeKey(r.key)) continue;
    const n = Number(r.n);
    const current = best.get(r.key);
    if (!current || n > current.n || (n === current.n && r.kind < current.kind)) best.set(r.key, { kind: r.kind, n });
  }
  return [...best.entries()]
    .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([key, { kind }]) => ({ key, type: kind as TraitType, source: "custom", label: key, from: { kind: "json", key } }));
}
