/** A small seeded random source, so that simulations and optimiser restarts are reproducible. */
export interface Random {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Exponential with the given rate. */
  exponential(rate: number): number;
  /** Gamma with the given shape and rate (mean shape / rate). */
  gamma(shape: number, rate: number): number;
  /** Beta(a, b). */
  beta(a: number, b: number): number;
  normal(): number;
}

/** xoshiro128** seeded through splitmix32; deterministic across platforms. */
export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const uniform = (): number => next() / 4294967296;
  const open = (): number => {
    let u = uniform();
    while (u === 0) u = uniform();
    return u;
  };
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    const u = open();
    const v = uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  // Marsaglia & Tsang (2000); shapes below 1 through Γ(k) = Γ(k+1)·U^(1/k).
  const standardGamma = (shape: number): number => {
    if (shape < 1) return standardGamma(shape + 1) * Math.pow(open(), 1 / shape);
    const d0 = shape - 1 / 3;
    const c0 = 1 / Math.sqrt(9 * d0);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c0 * x;
      } while (v <= 0);
      v = v * v * v;
      const u = open();
      if (u < 1 - 0.0331 * x * x * x * x) return d0 * v;
      if (Math.log(u) < 0.5 * x * x + d0 * (1 - v + Math.log(v))) return d0 * v;
    }
  };
  return {
    uniform,
    normal,
    exponential: (rate) => -Math.log(open()) / rate,
    gamma: (shape, rate) => standardGamma(shape) / rate,
    beta: (p, q) => {
      const x = standardGamma(p);
      const y = standardGamma(q);
      return x / (x + y);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
