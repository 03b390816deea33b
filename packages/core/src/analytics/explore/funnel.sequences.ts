import type { FunnelQuery } from "@siyu/contracts";
import type { CustomerVisitor, EventSequences, SequenceDimension } from "../../warehouse";

/**
 * Each customer's best chain: `level` steps reached, their times (epoch µs) at times[i * steps + k],
 * k < level. The arrays are views of buffers that `releaseChains` hands to the next funnel.
 */
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
  const finder = new ChainFinder(n, strict, maskOf, bounds, chainBuffers(sequences.profileCount, n));
  sequences.forEachCustomer(bounds.from, bounds.end, finder);
  return finder.chains();
}

interface ChainBuffers {
  profile: Int32Array;
  level: Uint8Array;
  times: Float64Array;
  start: Int32Array;
}

/**
 * Buffers given back by releaseChains, for the next funnel. Fresh ones each query cost tens of
 * megabytes of page faults (a million customers × five steps of times: 40 MB) — a third of the
 * chains' time at 1M customers (bench/RESULTS.md, run 46).
 */
let spare: ChainBuffers | null = null;

function chainBuffers(customers: number, steps: number): ChainBuffers {
  const held = spare;
  spare = null;
  if (held && held.profile.length >= customers && held.times.length >= customers * steps) return held;
  return { profile: new Int32Array(customers), level: new Uint8Array(customers), times: new Float64Array(customers * steps), start: new Int32Array(customers) };
}

/** Gives the chains' buffers to the next funnelChains call: the chains must not be read after. */
export function releaseChains(chains: FunnelChains): void {
  const whole = <T extends Int32Array | Uint8Array | Float64Array>(view: T, make: new (buffer: ArrayBufferLike) => T): T => new make(view.buffer);
  // A funnel that found no start had none to give; keep the larger.
  if (spare && spare.times.length * 8 >= chains.times.buffer.byteLength) return;
  spare = { profile: whole(chains.profile, Int32Array), level: whole(chains.level, Uint8Array), times: whole(chains.times, Float64Array), start: whole(chains.start, Int32Array) };
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
    buffers: ChainBuffers,
  ) {
    ({ profile: this.profile, level: this.level, times: this.times, start: this.start } = buffers);
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

/** The figures of one group of chains, as the SQL statement's final aggregate names them. */
export type ChainFigures = Record<string, unknown> & { ttc: number[] | null; ttc_mean: number | null };

/** Scratch for the durations, kept between calls (at most steps × chains values). */
let durations = new Float64Array(0);

/**
 * The figures the SQL statement's final aggregate gives, from the chains — of them all, and of each
 * breakdown group that has any (chainGroups; in group number order): n<k> customers reaching step k,
 * d<k> the median seconds from step k − 1 to k, ttc the quartiles and 90th percentile and ttc_mean the
 * mean seconds from the first step to the last of those who converted (DuckDB's `median` and
 * `quantile_cont`: linear interpolation between the closest ranks).
 *
 * Two passes over the chains in memory order, whatever the number of groups: one counts each group's
 * chains by level, one writes each duration into its (step, group) region of one buffer. A step's
 * regions lie side by side, so after each group's quantiles (selections within its region) the
 * whole span gives the funnel's.
 */
export function funnelFigures(chains: FunnelChains, groups: ChainGroups | null): { all: ChainFigures; groups: { group: number; figures: ChainFigures }[] } {
  const { steps: n, count, level, times } = chains;
  // Group numbers run from OTHER_VALUES (−2) up: slot = group + 2.
  const of = groups?.of ?? null;
  const slots = groups ? groups.values.length + 2 : 1;
  const slotOf = (i: number) => (of === null ? 0 : of[i]! + 2);
  // reached[slot * (n + 1) + k]: the slot's chains that reached step k (first, exactly k).
  const reached = new Float64Array(slots * (n + 1));
  for (let i = 0; i < count; i++) reached[slotOf(i) * (n + 1) + level[i]!]!++;
  for (let slot = 0; slot < slots; slot++) for (let k = n - 1; k >= 1; k--) reached[slot * (n + 1) + k]! += reached[slot * (n + 1) + k + 1]!;
  // Region r = (k − 2) · slots + slot, k = 2 … n: step k's durations from step k − 1; k = n + 1: first to last step.
  const regions = n * slots;
  const start = new Float64Array(regions + 1);
  for (let r = 0; r < regions; r++) {
    const k = Math.floor(r / slots) + 2;
    start[r + 1] = start[r]! + reached[(r % slots) * (n + 1) + Math.min(k, n)]!;
  }
  if (durations.length < start[regions]!) durations = new Float64Array(start[regions]!);
  const values = durations;
  const fill = start.slice(0, regions);
  const sums = new Float64Array(slots);
  for (let i = 0; i < count; i++) {
    const l = level[i]!;
    if (l < 2) continue;
    const slot = slotOf(i);
    const at = i * n;
    // As DuckDB's epoch(): each time in seconds, then the difference.
    for (let k = 2; k <= l; k++) values[fill[(k - 2) * slots + slot]!++] = times[at + k - 1]! / 1e6 - times[at + k - 2]! / 1e6;
    if (l === n) {
      const seconds = times[at + n - 1]! / 1e6 - times[at]! / 1e6;
      values[fill[(n - 1) * slots + slot]!++] = seconds;
      sums[slot]! += seconds;
    }
  }
  // Slots [first, last): one group, or all of them for the whole funnel.
  const figures = (first: number, last: number): ChainFigures => {
    const span = (k: number) => values.subarray(start[(k - 2) * slots + first]!, start[(k - 2) * slots + last]!);
    const row: Record<string, unknown> = {};
    for (let k = 1; k <= n; k++) {
      let customers = 0;
      for (let slot = first; slot < last; slot++) customers += reached[slot * (n + 1) + k]!;
      row[`n${k}`] = customers;
      if (k > 1) row[`d${k}`] = quantile(span(k), 0.5);
    }
    const done = span(n + 1);
    let sum = 0;
    for (let slot = first; slot < last; slot++) sum += sums[slot]!;
    const ttc = done.length ? [0.25, 0.5, 0.75, 0.9].map((q) => quantile(done, q)!) : null;
    return { ...row, ttc, ttc_mean: done.length ? sum / done.length : null };
  };
  const byGroup: { group: number; figures: ChainFigures }[] = [];
  if (groups) for (let slot = 0; slot < slots; slot++) if (reached[slot * (n + 1) + 1]! > 0) byGroup.push({ group: slot - 2, figures: figures(slot, slot + 1) });
  return { all: figures(0, slots), groups: byGroup };
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
 * their own groups, the other values "other", no value "none". Counted by kind of start (a few
 * hundred kinds), not by chain.
 */
export function chainGroups(chains: FunnelChains, sequences: EventSequences, dimension: SequenceDimension, limit: number): ChainGroups {
  const { kinds } = sequences;
  const valueOf = sequences.kindValue(dimension);
  const { count, start } = chains;
  const perKind = new Float64Array(kinds);
  for (let i = 0; i < count; i++) perKind[start[i]!]!++;
  let size = 0;
  for (let kind = 0; kind < kinds; kind++) size = Math.max(size, valueOf[kind]! + 1);
  const weight = new Float64Array(size);
  for (let kind = 0; kind < kinds; kind++) if (valueOf[kind]! >= 0) weight[valueOf[kind]!]! += perKind[kind]!;
  const text = (code: number) => sequences.dimensionValue(dimension, code);
  const top = [...weight.keys()]
    .filter((code) => weight[code]! > 0)
    .sort((a, b) => weight[b]! - weight[a]! || Buffer.compare(Buffer.from(text(a)), Buffer.from(text(b))))
    .slice(0, limit);
  const groupOfValue = new Int32Array(size).fill(OTHER_VALUES);
  top.forEach((code, group) => (groupOfValue[code] = group));
  const groupOfKind = new Int32Array(kinds);
  for (let kind = 0; kind < kinds; kind++) groupOfKind[kind] = valueOf[kind]! < 0 ? NO_VALUE : groupOfValue[valueOf[kind]!]!;
  const of = new Int32Array(count);
  for (let i = 0; i < count; i++) of[i] = groupOfKind[start[i]!]!;
  return { of, values: top.map(text) };
}
