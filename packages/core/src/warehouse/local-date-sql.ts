import { localParts } from "../shared/local-time";

/**
 * The local calendar date of a TIMESTAMPTZ column as a DuckDB expression, computed with integer
 * arithmetic instead of `timezone(zone, column)::date`: DuckDB converts each row through ICU
 * (≈ 180 ns a row here; 6M events took 1.2 s, the arithmetic 0.1 s — bench/RESULTS.md, run 26).
 *
 * The zone's UTC offsets and the instants they start at are found here, to the second, and
 * spliced in as a CASE, newest first (most rows are recent). Within [FIRST_YEAR, now + 2 years)
 * the result equals timezone()'s; outside it, the expression falls back to timezone() itself.
 * The zone must be a valid IANA name (the caller's settings validate it).
 */
export function localDateSql(timeZone: string, column: string): string {
  const { spans, fromUs, toUs } = offsetSpans(timeZone);
  const quoted = `'${timeZone.replaceAll("'", "''")}'`;
  const us = `epoch_us(${column})`;
  const offset =
    spans.length === 1
      ? `${spans[0]!.offsetUs}`
      : `case ${spans
          .slice(1)
          .reverse()
          .map((s) => `when ${us} >= ${s.startUs} then ${s.offsetUs}`)
          .join(" ")} else ${spans[0]!.offsetUs} end`;
  return `(case when ${us} >= ${fromUs} and ${us} < ${toUs} then date '1970-01-01' + ((${us} + ${offset}) // ${DAY_US})::integer else timezone(${quoted}, ${column})::date end)`;
}

const DAY_US = 86_400_000_000;
const HOUR_MS = 3_600_000;
/** The fast path starts here; earlier instants (rare in a brand's data) go through timezone(). */
const FIRST_YEAR = 2010;

interface OffsetSpan {
  /** The instant this offset starts at, µs since the epoch (the first span: the start of the range). */
  startUs: number;
  offsetUs: number;
}

/** Offset of the zone at `ms`, in seconds east of UTC. */
function offsetSeconds(ms: number, timeZone: string): number {
  const p = localParts(new Date(ms), timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 1000);
}

const cache = new Map<string, { spans: OffsetSpan[]; fromUs: number; toUs: number; untilMs: number }>();

/**
 * The zone's offsets from FIRST_YEAR to two years past now. Sampled once a day (zones change
 * offset a few times a year at most, weeks apart), each change narrowed to the second. Kept per
 * zone for a day.
 */
function offsetSpans(timeZone: string): { spans: OffsetSpan[]; fromUs: number; toUs: number } {
  const now = Date.now();
  const known = cache.get(timeZone);
  if (known && known.untilMs > now) return known;
  const fromMs = Date.UTC(FIRST_YEAR, 0, 1);
  const toMs = Date.UTC(new Date(now).getUTCFullYear() + 2, 0, 1);
  const spans: OffsetSpan[] = [{ startUs: fromMs * 1000, offsetUs: offsetSeconds(fromMs, timeZone) * 1_000_000 }];
  let before = fromMs;
  let beforeOffset = offsetSeconds(before, timeZone);
  for (let at = fromMs + 24 * HOUR_MS; at <= toMs; at += 24 * HOUR_MS) {
    const offset = offsetSeconds(at, timeZone);
    if (offset !== beforeOffset) {
      // The change happened in (before, at]: narrow to the first second with the new offset.
      let lo = before;
      let hi = at;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetSeconds(mid, timeZone) === beforeOffset) lo = mid;
        else hi = mid;
      }
      spans.push({ startUs: hi * 1000, offsetUs: offset * 1_000_000 });
    }
    before = at;
    beforeOffset = offset;
  }
  const entry = { spans, fromUs: fromMs * 1000, toUs: toMs * 1000, untilMs: now + 24 * HOUR_MS };
  if (cache.size > 100) cache.clear();
  cache.set(timeZone, entry);
  return entry;
}
