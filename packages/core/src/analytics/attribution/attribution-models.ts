import { createRandom } from "../../shared";

/**
 * Multi-touch attribution models over customer journeys. Pure functions: the warehouse query
 * (attribution.warehouse.ts) groups the journeys, these split each conversion among channels.
 *
 * A journey is the ordered touches (channels, campaigns, sources or touchpoint events) of one
 * customer before one conversion — or, for a customer who did not convert, their touches after
 * their last conversion. Identical journeys arrive grouped: `count` journeys of which
 * `conversions` converted, worth `value` in total.
 */
export interface JourneyGroup {
  path: readonly string[];
  count: number;
  conversions: number;
  value: number;
}

export interface Credit {
  conversions: number;
  value: number;
}

export type Credits = Map<string, Credit>;

function add(credits: Credits, key: string, conversions: number, value: number): void {
  const c = credits.get(key) ?? { conversions: 0, value: 0 };
  c.conversions += conversions;
  c.value += value;
  credits.set(key, c);
}

/** Each converted journey's conversion and value to one touch, picked by `pick` (its index in the path). */
function positional(journeys: readonly JourneyGroup[], pick: (path: readonly string[]) => number): Credits {
  const credits: Credits = new Map();
  for (const j of journeys) {
    if (j.conversions === 0 || j.path.length === 0) continue;
    add(credits, j.path[pick(j.path)]!, j.conversions, j.value);
  }
  return credits;
}

export const firstTouch = (journeys: readonly JourneyGroup[]): Credits => positional(journeys, () => 0);
export const lastTouch = (journeys: readonly JourneyGroup[]): Credits => positional(journeys, (p) => p.length - 1);

/** Every touch of a converted journey gets an equal share (a channel touched twice gets two shares). */
export function linear(journeys: readonly JourneyGroup[]): Credits {
  const credits: Credits = new Map();
  for (const j of journeys) {
    if (j.conversions === 0 || j.path.length === 0) continue;
    const share = 1 / j.path.length;
    for (const key of j.path) add(credits, key, j.conversions * share, j.value * share);
  }
  return credits;
}

// ---------------------------------------------------------------------------------------------
// Shapley value
//
// The channels are the players. A coalition S of channels is worth the conversion rate of the
// journeys whose channels all lie in S: v(S) = conversions(T ⊆ S) / journeys(T ⊆ S), v(∅) = 0.
// Each channel's Shapley value is its average marginal worth over every order in which the
// channels can join; the values sum to v(all) — the conversion rate of touched journeys — and are
// scaled to the converted journeys and their value. A channel whose customers convert less often
// than those without it can get a negative share: that is what the data says, and it is shown.
// (With v(S) = conversions(T ⊆ S) instead, Shapley degenerates to "split each journey equally
// among its channels" — the conversion rate is what makes the coalitions interact.)
// ---------------------------------------------------------------------------------------------

export interface ShapleyResult {
  credits: Credits;
  method: "exact" | "sampled";
  /** Permutations drawn (sampled only). */
  permutations: number | null;
  /**
   * With probability at least `confidence`, every channel's sampled credit (in conversions) is within
   * this of its exact Shapley credit (Hoeffding's inequality, union bound over the channels). 0 when exact.
   */
  errorBound: number;
  confidence: number | null;
  /** v(all channels): the conversion rate of the touched journeys. */
  conversionRate: number;
}

export interface ShapleyOptions {
  /** Up to this many channels the values are computed exactly (2^n coalitions); beyond, sampled. */
  maxExactChannels: number;
  permutations: number;
  /** 1 − δ of the stated error bound. */
  confidence: number;
  /** Seed of the permutation sampler, so a report can be reproduced. */
  seed: number;
}

interface Masked {
  channels: string[];
  /** Per distinct channel set (bit mask over `channels`): journeys and conversions. */
  sets: Map<number, { journeys: number; conversions: number }>;
  totalConversions: number;
  totalValue: number;
}

function maskJourneys(journeys: readonly JourneyGroup[]): Masked {
  const channels = [...new Set(journeys.flatMap((j) => j.path))].sort();
  if (channels.length > 30) throw new RangeError(`Shapley attribution takes at most 30 channels, got ${channels.length}`);
  const index = new Map(channels.map((c, i) => [c, i]));
  const sets = new Map<number, { journeys: number; conversions: number }>();
  let totalConversions = 0;
  let totalValue = 0;
  for (const j of journeys) {
    if (j.path.length === 0) continue;
    let mask = 0;
    for (const c of j.path) mask |= 1 << index.get(c)!;
    const s = sets.get(mask) ?? { journeys: 0, conversions: 0 };
    s.journeys += j.count;
    s.conversions += j.conversions;
    sets.set(mask, s);
    totalConversions += j.conversions;
    totalValue += j.value;
  }
  return { channels, sets, totalConversions, totalValue };
}

function scaled(channels: readonly string[], phi: readonly number[], m: Masked, rate: number): Credits {
  const credits: Credits = new Map();
  for (let i = 0; i < channels.length; i++) {
    const share = rate > 0 ? phi[i]! / rate : 0;
    credits.set(channels[i]!, { conversions: share * m.totalConversions, value: share * m.totalValue });
  }
  return credits;
}

/** Exact Shapley values: every coalition's worth by a subset-sum (zeta) transform, then the weighted marginals. O(n·2^n). */
function shapleyExact(m: Masked): { phi: number[]; rate: number } {
  const n = m.channels.length;
  const size = 1 << n;
  const journeys = new Float64Array(size);
  const conversions = new Float64Array(size);
  for (const [mask, s] of m.sets) {
    journeys[mask] = s.journeys;
    conversions[mask] = s.conversions;
  }
  for (let bit = 0; bit < n; bit++) {
    for (let mask = 0; mask < size; mask++) {
      if (mask & (1 << bit)) {
        journeys[mask]! += journeys[mask ^ (1 << bit)]!;
        conversions[mask]! += conversions[mask ^ (1 << bit)]!;
      }
    }
  }
  const worth = (mask: number) => (journeys[mask]! > 0 ? conversions[mask]! / journeys[mask]! : 0);
  // weight[s] = s! (n − s − 1)! / n!
  const weight: number[] = [];
  for (let s = 0; s < n; s++) {
    let w = 1 / n;
    // 1/n · 1/C(n−1, s)
    for (let k = 1; k <= s; k++) w *= k / (n - k);
    weight.push(w);
  }
  const popcount = (x: number) => {
    let c = 0;
    while (x) {
      x &= x - 1;
      c++;
    }
    return c;
  };
  const phi = new Array<number>(n).fill(0);
  for (let mask = 0; mask < size; mask++) {
    const v = worth(mask);
    const s = popcount(mask);
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) continue;
      phi[i]! += weight[s]! * (worth(mask | (1 << i)) - v);
    }
  }
  return { phi, rate: worth(size - 1) };
}

/**
 * Permutation sampling: in each random order, a channel set becomes part of the growing
 * coalition when its last channel joins, so one pass over the distinct sets gives every
 * channel's marginal worth in that order.
 */
function shapleySampled(m: Masked, options: ShapleyOptions): { phi: number[]; rate: number; bound: number } {
  const n = m.channels.length;
  const random = createRandom(options.seed);
  const order = m.channels.map((_, i) => i);
  const position = new Int32Array(n);
  const sets = [...m.sets].map(([mask, s]) => ({ bits: bitsOf(mask), ...s }));
  const phi = new Array<number>(n).fill(0);
  const squares = new Array<number>(n).fill(0);
  const addJourneys = new Float64Array(n);
  const addConversions = new Float64Array(n);
  let maxRate = 0;
  let allJourneys = 0;
  let allConversions = 0;
  for (const s of sets) {
    maxRate = Math.max(maxRate, s.journeys > 0 ? s.conversions / s.journeys : 0);
    allJourneys += s.journeys;
    allConversions += s.conversions;
  }
  for (let p = 0; p < options.permutations; p++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let k = 0; k < n; k++) position[order[k]!] = k;
    addJourneys.fill(0);
    addConversions.fill(0);
    for (const s of sets) {
      let last = 0;
      for (const b of s.bits) last = Math.max(last, position[b]!);
      addJourneys[last]! += s.journeys;
      addConversions[last]! += s.conversions;
    }
    let journeys = 0;
    let conversions = 0;
    let before = 0;
    for (let k = 0; k < n; k++) {
      journeys += addJourneys[k]!;
      conversions += addConversions[k]!;
      const after = journeys > 0 ? conversions / journeys : 0;
      phi[order[k]!]! += after - before;
      squares[order[k]!]! += (after - before) ** 2;
      before = after;
    }
  }
  const draws = options.permutations;
  // A coalition's worth lies in [0, maxRate] (a ratio of sums is at most the largest ratio), so a
  // marginal lies in [−maxRate, maxRate]. Per channel, the tighter of Hoeffding's bound (range only)
  // and the empirical Bernstein bound (Maurer & Pontil 2009: sample variance and range), each at
  // δ / 2n, so that with probability ≥ 1 − δ every channel is within its bound at once.
  const range = 2 * maxRate;
  const log = Math.log((4 * n) / (1 - options.confidence));
  let bound = 0;
  for (let i = 0; i < n; i++) {
    const mean = phi[i]! / draws;
    const variance = draws > 1 ? Math.max(0, (squares[i]! - draws * mean * mean) / (draws - 1)) : range * range;
    const hoeffding = range * Math.sqrt(log / (2 * draws));
    const bernstein = draws > 1 ? Math.sqrt((2 * variance * log) / draws) + (7 * range * log) / (3 * (draws - 1)) : Infinity;
    bound = Math.max(bound, Math.min(hoeffding, bernstein));
    phi[i] = mean;
  }
  return { phi, rate: allJourneys > 0 ? allConversions / allJourneys : 0, bound };
}

function bitsOf(mask: number): number[] {
  const bits: number[] = [];
  for (let b = 0; mask; b++, mask >>>= 1) if (mask & 1) bits.push(b);
  return bits;
}

export function shapley(journeys: readonly JourneyGroup[], options: ShapleyOptions): ShapleyResult {
  const m = maskJourneys(journeys);
  if (m.channels.length === 0) {
    return { credits: new Map(), method: "exact", permutations: null, errorBound: 0, confidence: null, conversionRate: 0 };
  }
  if (m.channels.length <= options.maxExactChannels) {
    const { phi, rate } = shapleyExact(m);
    return { credits: scaled(m.channels, phi, m, rate), method: "exact", permutations: null, errorBound: 0, confidence: null, conversionRate: rate };
  }
  const { phi, rate, bound } = shapleySampled(m, options);
  return {
    credits: scaled(m.channels, phi, m, rate),
    method: "sampled",
    permutations: options.permutations,
    errorBound: rate > 0 ? (bound / rate) * m.totalConversions : 0,
    confidence: options.confidence,
    conversionRate: rate,
  };
}

// ---------------------------------------------------------------------------------------------
// Markov chain removal effect
//
// States: start, one per channel, conversion and null (absorbing). Transition probabilities are
// counted from the journeys (start → first touch → … → last touch → conversion or null). A
// channel's removal effect is the share of conversion probability lost when its state is turned
// into null; conversions and value are split in proportion to the removal effects.
// ---------------------------------------------------------------------------------------------

export interface MarkovResult {
  credits: Credits;
  /** Per channel: 1 − P(conversion without it) / P(conversion). */
  removalEffects: Map<string, number>;
  conversionProbability: number;
}

export function markov(journeys: readonly JourneyGroup[]): MarkovResult {
  const channels = [...new Set(journeys.flatMap((j) => j.path))].sort();
  const n = channels.length;
  const index = new Map(channels.map((c, i) => [c, i]));
  // Rows: start = n, channels 0..n−1; columns: channels 0..n−1, then conversion (n), null (n + 1).
  const counts = Array.from({ length: n + 1 }, () => new Float64Array(n + 2));
  let totalConversions = 0;
  let totalValue = 0;
  for (const j of journeys) {
    if (j.path.length === 0) continue;
    let from = n;
    for (const c of j.path) {
      const to = index.get(c)!;
      counts[from]![to]! += j.count;
      from = to;
    }
    counts[from]![n]! += j.conversions;
    counts[from]![n + 1]! += j.count - j.conversions;
    totalConversions += j.conversions;
    totalValue += j.value;
  }
  const probabilities = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total > 0 ? row.map((x) => x / total) : row;
  });
  const base = conversionProbability(probabilities, n, -1);
  const removalEffects = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    removalEffects.set(channels[i]!, base > 0 ? 1 - conversionProbability(probabilities, n, i) / base : 0);
  }
  const sum = [...removalEffects.values()].reduce((a, b) => a + b, 0);
  const credits: Credits = new Map();
  for (const [c, effect] of removalEffects) {
    const share = sum > 0 ? effect / sum : 0;
    credits.set(c, { conversions: share * totalConversions, value: share * totalValue });
  }
  return { credits, removalEffects, conversionProbability: base };
}

/**
 * P(reaching conversion from start) in the absorbing chain, with channel `removed` (or none: −1)
 * absorbing into null. Solves (I − Q) p = r by Gaussian elimination with partial pivoting.
 */
function conversionProbability(p: readonly Float64Array[], n: number, removed: number): number {
  const size = n + 1; // channels, then start
  const a = Array.from({ length: size }, () => new Float64Array(size + 1));
  for (let i = 0; i < size; i++) {
    a[i]![i] = 1;
    if (i === removed) continue; // p(removed) = 0
    const row = p[i]!;
    for (let j = 0; j < n; j++) a[i]![j]! -= row[j]!;
    a[i]![size] = row[n]!;
  }
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const d = a[col]![col]!;
    if (Math.abs(d) < 1e-15) continue; // a state that cannot be left (no outgoing counts) never reaches conversion
    for (let r = 0; r < size; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / d;
      if (f === 0) continue;
      for (let c = col; c <= size; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  const d = a[n]![n]!;
  return Math.abs(d) < 1e-15 ? 0 : a[n]![size]! / d;
}
