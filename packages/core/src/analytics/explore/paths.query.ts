import type { PathsQuery, PathsResultDto } from "@siyu/contracts";
import type { Warehouse } from "@siyu/storage";
import { periodBounds, SqlBuilder } from "./explore-sql";

interface Row {
  kind: "anchor" | "node" | "link";
  step: number;
  label: string | null;
  target: string | null;
  n: bigint;
}

/**
 * The events each customer did right after (or before) their first matching event in the
 * period, up to `depth` steps, as Sankey nodes and links. Per step, the `limit` most common
 * events keep their name and the rest are "other" (a path goes on through "other"). With
 * collapseRepeats, a run of the same event is one step. Only events in the period count.
 */
export async function analysePaths(warehouse: Warehouse, workspaceId: string, timeZone: string, query: PathsQuery): Promise<PathsResultDto> {
  const q = new SqlBuilder();
  const { from, to } = periodBounds(query.period, timeZone);
  const match = `(e.event = ${q.text(query.event)} and ${q.filters(query.where)})`;
  const position = query.collapseRepeats
    ? "sum(starts) over (partition by actor order by ts, seq rows unbounded preceding)"
    : "row_number() over (partition by actor order by ts, seq)";
  const dir = query.direction === "next" ? "1" : "-1";
  const depth = `${q.bind(query.depth)}::bigint`;
  const sql = `with ev as (
      select e.profile_id as actor, e.event, e.ts, e.seq, ${match} as m,
        case when lag(e.event) over (partition by e.profile_id order by e.ts, e.seq) is distinct from e.event then 1 else 0 end as starts
      from ${q.eventsFrom()}
      where e.workspace_id = ${q.bind(workspaceId)}::uuid and e.profile_id is not null and e.event is not null
        and e.ts >= ${q.time(from)} and e.ts < ${q.time(to)}
    ),
    runs as materialized (select actor, event, m, ${position} as pos from ev),
    anchor as (select actor, min(pos) as apos from runs where m group by actor),
    steps as (
      select distinct r.actor, (r.pos - a.apos) * ${dir} as step, r.event
      from runs r join anchor a on a.actor = r.actor
      where (r.pos - a.apos) * ${dir} between 1 and ${depth}
    ),
    top as (
      select step, event from (
        select step, event, row_number() over (partition by step order by count(*) desc, event) as rn from steps group by step, event
      ) where rn <= ${q.bind(query.limit)}::bigint
    ),
    labelled as (select s.actor, s.step, t.event as label from steps s left join top t on t.step = s.step and t.event = s.event)
    select 'anchor' as kind, 0 as step, null as label, null as target, count(*) as n from anchor
    union all select 'node', step, label, null, count(*) from labelled group by step, label
    union all select 'link', 0, null, b.label, count(*) from labelled b where b.step = 1 group by b.label
    union all select 'link', a.step, a.label, b.label, count(*) from labelled a join labelled b on b.actor = a.actor and b.step = a.step + 1
      group by a.step, a.label, b.label`;
  const rows = await warehouse.query<Row>(sql, q.params);

  const sign = query.direction === "next" ? 1 : -1;
  const id = (step: number, label: string | null) => `${step * sign}:${label ?? "~other"}`;
  const customers = Number(rows.find((r) => r.kind === "anchor")?.n ?? 0);
  const nodes: PathsResultDto["nodes"] = customers > 0 ? [{ id: `0:${query.event}`, step: 0, event: query.event, customers }] : [];
  const links: PathsResultDto["links"] = [];
  for (const r of rows) {
    const step = Number(r.step);
    if (r.kind === "node") nodes.push({ id: id(step, r.label), step: step * sign, event: r.label, customers: Number(r.n) });
    if (r.kind === "link") {
      const source = step === 0 ? `0:${query.event}` : id(step, r.label);
      links.push({ source, target: id(step + 1, r.target), customers: Number(r.n) });
    }
  }
  const byCount = <T extends { customers: number }>(a: T, b: T) => b.customers - a.customers;
  nodes.sort((a, b) => Math.abs(a.step) - Math.abs(b.step) || (a.event === null ? 1 : 0) - (b.event === null ? 1 : 0) || byCount(a, b) || String(a.event).localeCompare(String(b.event)));
  links.sort((a, b) => byCount(a, b) || a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
  return { customers, nodes, links };
}
