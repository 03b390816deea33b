import type { FunnelQuery } from "@siyu/contracts";
import type { CustomerVisitor, EventSequences, SequenceDimension } from "../../warehouse";

/** Each customer's best chain: `level` steps reached, their times (epoch µs) at times[i * steps + k], k < level. */
export interface FunnelChains {
  readonly steps: number;
  readonly count: number;
  readonly profile: Int32Array;
  readonly level: Uint8Array;
  readonly times: Float64Array;
  /** The best start event's kind (EventSequences.kindValue gives its channel and store). */
  readonly start: Int32Array;
}

export interface FunnelBounds {
  /** Epoch microseconds: the period's first instant, the instant after it, and that plus the window. */
  from: number;
  to: number;
  end: number;
  windowUs: number;
}

/**
 * The funnel over the in-memory event sequences, for funnels whose steps are event names alone (no
 * property filter; a breakdown, if any, by a kept column — chainGroups): the same chains as the SQL statement (funnel.query.ts), without
 * sorting the warehouse's events per query — the sequences hand over each customer's events already
 * in order. Per customer, loose chains take each step's first event after the previous step's (one
 * cursor per step, moving forward over the starts), strict chains the events right after the start.
 * The best start reaches most steps, earliest (time, then seq) on ties.
 */
export function funnelChains(sequences: EventSequences, query: FunnelQuery, bounds: FunnelBounds): FunnelChains {
  const n = query.steps.length;
  const strict = query.order === "strict";
  const names = query.steps.map((s) => sequences.nameNumber(s.event) ?? -1);
  const empty = { steps: n, count: 0, profile: new Int32Array(0), level: new Uint8Array(0), times: new Float64Array(0), start: new Int32Array(0) };
  if (names[0] === -1) return empty;
  // By kind of event — bit k (1 … n): its name is step k's; bit 0: it has no name (strict order steps over it).
  const maskOf = new Int32Array(sequences.kinds);
  for (let kind = 0; kind < sequences.kinds; kind++) {
    const name = sequences.kindName[kind]!;
    names.forEach((step, i) => {
      if (step === name) maskOf[kind]! |= 1 << (i + 1);
    });
    if (name === sequences.unnamed) maskOf[kind]! |= 1;
  }
  const finder = new ChainFinder(n, strict, maskOf, bounds, sequences.profileCount);
  sequences.forEachCustomer(bounds.from, bounds.end, finder);
  return finder.chains();
}

/**
 * Finds each visited customer's best chain. A class, not a closure per query: the sequences call the
 * same `visit` every time, so the optimised code built for it is kept from one query to the next.
 */
class ChainFinder implements CustomerVisitor {
  private count = 0;
  private readonly profile: Int32Array;
  private readonly level: Uint8Array;
  private readonly times: Float64Array;
  private readonly start: Int32Array;
  private bestStart = -1;
  /** The customer's starts and (loose order) each step's events, found[k] of each (bestChain). */
  private steps: Int32Array;
  private readonly found: Int32Array;
  private readonly cursor: Int32Array;
  private readonly chain: Float64Array;
  private readonly best: Float64Array;

  constructor(
    private readonly n: number,
    private readonly strict: boolean,
    private readonly maskOf: Int32Array,
    private readonly bounds: FunnelBounds,
    capacity: number,
  ) {
    this.profile = new Int32Array(capacity);
    this.level = new Uint8Array(capacity);
    this.times = new Float64Array(capacity * n);
    this.start = new Int32Array(capacity);
    this.steps = new Int32Array(64 * n);
    this.found = new Int32Array(n + 1);
    this.cursor = new Int32Array(n + 1);
    this.chain = new Float64Array(n);
    this.best = new Float64Array(n);
  }

  chains(): FunnelChains {
    const { n, count } = this;
    return {
      steps: n,
      count,
      profile: this.profile.subarray(0, count),
      level: this.level.subarray(0, count),
      times: this.times.subarray(0, count * n),
      start: this.start.subarray(0, count),
    };
  }

  visit(profile: number, us: Float64Array, code: Int32Array, ordinal: Int32Array, a: number, b: number): void {
    const level = this.bestChain(us, code, a, b);
    if (level === 0) return;
    const i = this.count++;
    this.profile[i] = profile;
    this.level[i] = level;
    this.start[i] = code[this.bestStart]!;
    const { times, best } = this;
    const at = i * this.n;
    for (let k = 0; k < level; k++) times[at + k] = best[k]!;
  }

  /** The steps the customer's best start reaches (0: no start), its times in this.best. */
  private bestChain(us: Float64Array, code: Int32Array, a: number, b: number): number {
    const { n, strict, maskOf, chain, best, found, cursor } = this;
    const { to, windowUs } = this.bounds;
    const stride = b - a + 1;
    if (this.steps.length < stride * n) this.steps = new Int32Array(2 * stride * n);
    const steps = this.steps;
    // steps[0 …]: the starts; steps[(k − 1) * stride …]: step k's events (loose order), as indexes
    // into us / code — for strict order the slice is read where it lies, stepping over unnamed events.
    for (let k = 0; k <= n; k++) found[k] = 0;
    if (strict) {
      for (let x = a; x < b; x++) if (maskOf[code[x]!]! & 2 && us[x]! < to) steps[found[0]!++] = x;
    } else {
      for (let x = a; x < b; x++) {
        const m = maskOf[code[x]!]!;
        if (m & 2 && us[x]! < to) steps[found[0]!++] = x;
        for (let rest = m & ~3; rest !== 0; rest &= rest - 1) {
          const k = 31 - Math.clz32(rest & -rest);
          steps[(k - 1) * stride + found[k]!++] = x;
        }
      }
    }
    const starts = found[0]!;
    if (starts === 0) return 0;
    // Loose chains: step k's event is the first after step k − 1's. A later start's chain is never
    // earlier at any step, so each step's cursor only moves forward over the customer's starts.
    for (let k = 0; k <= n; k++) cursor[k] = 0;
    let bestLevel = 0;
    for (let s = 0; s < starts; s++) {
      const x = steps[s]!;
      const u1 = us[x]!;
      chain[0] = u1;
      let level = 1;
      let y = x;
      // Set when the customer's events ran out before the next step: no later start gets further.
      let exhausted = false;
      for (let k = 2; k <= n; k++) {
        if (strict) {
          // Events without a name are stepped over: the statement reads named events only.
          do y++;
          while (y < b && maskOf[code[y]!]! & 1);
          exhausted = y >= b;
          if (exhausted || !(maskOf[code[y]!]! & (1 << k))) break;
        } else {
          const list = (k - 1) * stride;
          let c = cursor[k]!;
          while (c < found[k]! && steps[list + c]! <= y) c++;
          cursor[k] = c;
          exhausted = c === found[k];
          if (exhausted) break;
          y = steps[list + c]!;
        }
        const u = us[y]!;
        if (u - u1 > windowUs) break;
        chain[level++] = u;
      }
      if (level > bestLevel) {
        bestLevel = level;
        this.bestStart = x;
        for (let k = 0; k < level; k++) best[k] = chain[k]!;
        if (level === n) break;
      }
      if (exhausted) break;
    }
    return bestLevel;
  }
}

/**
 * The figures the SQL statement's final aggregate gives, from the chains: n<k> customers reaching step
 * k, d<k> the median seconds from step k − 1 to k, ttc the quartiles and 90th percentile and ttc_mean
 * the mean seconds from the first step to the last of those who converted (DuckDB's `median` and
 * `quantile_cont`: linear interpolation between the closest ranks).
 */
export function chainFigures(chains: FunnelChains): Record<string, unknown> & { ttc: number[] | null; ttc_mean: number | null } {
  const { steps: n, count, level, times } = chains;
  const row: Record<string, unknown> = {};
  const values = new Float64Array(count);
  for (let k = 1; k <= n; k++) {
    let reached = 0;
    for (let i = 0; i < count; i++) {
      if (level[i]! < k) continue;
      // As DuckDB's epoch(): each time in seconds, then the difference.
      if (k > 1) values[reached] = times[i * n + k - 1]! / 1e6 - times[i * n + k - 2]! / 1e6;
      reached++;
    }
    row[`n${k}`] = reached;
    if (k > 1) row[`d${k}`] = quantile(values.subarray(0, reached), 0.5);
  }
  let converted = 0;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    if (level[i] !== n) continue;
    const seconds = times[i * n + n - 1]! / 1e6 - times[i * n]! / 1e6;
    values[converted++] = seconds;
    sum += seconds;
  }
  const done = values.subarray(0, converted);
  const ttc = converted ? [0.25, 0.5, 0.75, 0.9].map((q) => quantile(done, q)!) : null;
  return { ...row, ttc, ttc_mean: converted ? sum / converted : null };
}

/** quantile_cont over `values` (reordered in place): the ranks either side of q · (n − 1), interpolated. */
function quantile(values: Float64Array, q: number): number | null {
  if (values.length === 0) return null;
  const rank = (values.length - 1) * q;
  const lo = Math.floor(rank);
  const low = select(values, lo);
  if (lo === rank) return low;
  // After the selection everything past `lo` is at least `low`: the next rank is their least.
  let high = Infinity;
  for (let i = lo + 1; i < values.length; i++) if (values[i]! < high) high = values[i]!;
  return low + (rank - lo) * (high - low);
}

/** The k-th smallest of `values` (0-based), which ends at index k with nothing greater before it nor less after it (Hoare's selection). */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k]!;
}

/** A group number per chain: −1 none, −2 other, else the index of its value in `values`. */
export const NO_VALUE = -1;
export const OTHER_VALUES = -2;

export interface ChainGroups {
  readonly of: Int32Array;
  /** The top values, by group number. */
  readonly values: readonly string[];
}

/**
 * Each chain's breakdown group, by its best start's value of the column, as the SQL statement groups:
 * the `limit` values with most customers (ties by value, in DuckDB's text order: UTF-8 bytes) are
 * their own groups, the other values "other", no value "none".
 */
export function chainGroups(chains: FunnelChains, sequences: EventSequences, dimension: SequenceDimension, limit: number): ChainGroups {
  const valueOf = sequences.kindValue(dimension);
  const codes = chains.start.map((kind) => valueOf[kind]!);
  const weight = new Map<number, number>();
  for (const code of codes) if (code >= 0) weight.set(code, (weight.get(code) ?? 0) + 1);
  const text = (code: number) => sequences.dimensionValue(dimension, code);
  const top = [...weight]
    .sort(([a, wa], [b, wb]) => wb - wa || Buffer.compare(Buffer.from(text(a)), Buffer.from(text(b))))
    .slice(0, limit)
    .map(([code]) => code);
  const groupOfCode = new Map(top.map((code, i) => [code, i]));
  const of = codes.map((code) => (code < 0 ? NO_VALUE : (groupOfCode.get(code) ?? OTHER_VALUES)));
  return { of, values: top.map(text) };
}

/** The chains at the given indexes. */
export function someChains(chains: FunnelChains, indexes: readonly number[]): FunnelChains {
  const n = chains.steps;
  const times = new Float64Array(indexes.length * n);
  indexes.forEach((i, j) => times.set(chains.times.subarray(i * n, i * n + n), j * n));
  const pick = <T extends Int32Array | Uint8Array>(from: T, make: (n: number) => T): T => {
    const to = make(indexes.length);
    indexes.forEach((i, j) => (to[j] = from[i]!));
    return to;
  };
  return {
    steps: n,
    count: indexes.length,
    profile: pick(chains.profile, (k) => new Int32Array(k)),
    level: pick(chains.level, (k) => new Uint8Array(k)),
    times,
    start: pick(chains.start, (k) => new Int32Array(k)),
  };
}
