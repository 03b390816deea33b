/**
 * A seeded, splittable pseudo-random generator (xoshiro128**) for the demo simulator.
 *
 * Every stream is fully determined by `(seed, path)`: `fork(label)` hashes the seed together with
 * the fork path, so a forked stream never depends on how many numbers its parent (or any sibling)
 * has drawn. That is what lets each module add behaviour on its own stream without shifting the
 * numbers every other module produces.
 */
export interface Rng {
  /** The root seed this stream descends from. */
  readonly seed: number;
  /** The fork labels from the root to this stream, e.g. `["members", "phones"]`. */
  readonly path: readonly string[];
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  float(min: number, max: number): number;
  /** One element, uniformly. Throws on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** One element with probability proportional to its weight; zero-weight items are never picked. */
  weightedPick<T>(items: readonly T[], weights: readonly number[]): T;
  /** A shuffled copy (Fisher–Yates); the input is left untouched. */
  shuffle<T>(items: readonly T[]): T[];
  /** A normally distributed float (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** True with probability `p` (clamped to [0, 1]). */
  chance(p: number): boolean;
  /** An independent stream derived from this stream's seed and path plus `label`. */
  fork(label: string): Rng;
}

/**
 * Creates the root stream for a seed.
 *
 * @example
 * const rng = createRng(42);
 * const members = rng.fork("members");
 * members.int(1, 6); // same value on every machine, whatever else drew from `rng`
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`rng seed must be a safe integer, got ${seed}`);
  return createStream(seed, []);
}

function createStream(seed: number, path: readonly string[]): Rng {
  // Length-prefixed labels so fork("a/b") and fork("a").fork("b") can never collide.
  const key = `siyu-demo:${seed}|${path.map((label) => `${label.length}:${label}`).join("|")}`;
  const state = seedState(key);
  let s0 = state[0];
  let s1 = state[1];
  let s2 = state[2];
  let s3 = state[3];

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const next = (): number => nextUint32() / 4294967296;

  const int = (min: number, max: number): number => {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) {
      throw new RangeError(`int bounds must be safe integers, got [${min}, ${max}]`);
    }
    if (max < min) throw new RangeError(`int range is empty: [${min}, ${max}]`);
    const span = max - min + 1;
    if (!Number.isSafeInteger(span)) throw new RangeError(`int range too wide: [${min}, ${max}]`);
    // next() <= 1 - 2^-32, so span * next() rounds below span for every safe span: the result stays <= max.
    return min + Math.floor(span * next());
  };

  const rng: Rng = {
    seed,
    path,
    next,
    int,
    float: (min, max) => {
      if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) {
        throw new RangeError(`float range is invalid: [${min}, ${max})`);
      }
      return min + (max - min) * next();
    },
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError("cannot pick from an empty array");
      return items[int(0, items.length - 1)] as T;
    },
    weightedPick: <T>(items: readonly T[], weights: readonly number[]): T => {
      if (items.length !== weights.length) {
        throw new RangeError(`weightedPick needs one weight per item (${items.length} items, ${weights.length} weights)`);
      }
      let total = 0;
      let lastPositive = -1;
      for (let i = 0; i < weights.length; i++) {
        const w = weights[i] as number;
        if (!Number.isFinite(w) || w < 0) throw new RangeError(`weight ${i} must be finite and >= 0, got ${w}`);
        if (w > 0) lastPositive = i;
        total += w;
      }
      if (lastPositive < 0 || !Number.isFinite(total)) throw new RangeError("weightedPick needs a positive, finite total weight");
      const target = next() * total;
      let cumulative = 0;
      for (let i = 0; i < weights.length; i++) {
        const w = weights[i] as number;
        if (w === 0) continue;
        cumulative += w;
        if (target < cumulative) return items[i] as T;
      }
      // Rounding can leave target a hair above the running sum; fall back to the last non-zero item.
      return items[lastPositive] as T;
    },
    shuffle: <T>(items: readonly T[]): T[] => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        const tmp = out[i] as T;
        out[i] = out[j] as T;
        out[j] = tmp;
      }
      return out;
    },
    normal: (mean, sd) => {
      // 1 - next() is in (0, 1], so the logarithm is always finite.
      const u1 = 1 - next();
      const u2 = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    chance: (p) => next() < p,
    fork: (label) => createStream(seed, [...path, label]),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** cyrb128: a fast string hash giving the four 32-bit words of xoshiro128** state. */
function seedState(key: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < key.length; i++) {
    const k = key.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  const state: [number, number, number, number] = [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
  // xoshiro must never start from the all-zero state.
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 0x9e3779b9;
  return state;
}
