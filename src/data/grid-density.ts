/** The 2-D toy of MDM-Prime: two tokens of `size` classes each, with a picture-like density (rings and blobs) on the size × size grid. */
import { Rng } from "../engine/rng.js";

/** Options of gridDensity. */
export interface GridDensityOptions {
  /** Seed of the mixture's random parameters. */
  seed: number;
  /** Classes per token = grid side (default 512). */
  size?: number;
  /** Number of rings, annuli with a Gaussian radial profile (default 3). */
  rings?: number;
  /** Number of round Gaussian blobs (default 4). */
  blobs?: number;
}

/** An exact density over token pairs: probs[row·size + col], row = token 0, column = token 1; sums to 1. */
export interface GridDensity {
  /** Classes per token (grid side). */
  size: number;
  /** Probability table, length size². */
  probs: Float64Array;
}

/** One mixture component's unnormalised log-density at the point (u, v) ∈ [0, 1]² (u along columns, v along rows). */
type Component = (u: number, v: number) => number;

/** A ring: exp(−(ρ − R)²/(2w²)) with ρ the distance to the center. */
function ring(rng: Rng): Component {
  const [cu, cv] = [0.25 + 0.5 * rng.next(), 0.25 + 0.5 * rng.next()];
  const radius = 0.1 + 0.2 * rng.next();
  const width = 0.01 + 0.02 * rng.next();
  return (u, v) => -((Math.hypot(u - cu, v - cv) - radius) ** 2) / (2 * width * width);
}

/** A round Gaussian blob. */
function blob(rng: Rng): Component {
  const [cu, cv] = [0.1 + 0.8 * rng.next(), 0.1 + 0.8 * rng.next()];
  const sigma = 0.02 + 0.04 * rng.next();
  return (u, v) => -((u - cu) ** 2 + (v - cv) ** 2) / (2 * sigma * sigma);
}

/** A seeded mixture of rings and blobs on the grid; each component is normalised on the grid, then weighted (rings U(1, 2), blobs U(0.5, 1)). */
export function gridDensity(opts: GridDensityOptions): GridDensity {
  const { seed, size = 512, rings = 3, blobs = 4 } = opts;
  if (!Number.isInteger(size) || size < 2) throw new Error(`grid size must be an integer ≥ 2, got ${size}`);
  if (rings + blobs < 1) throw new Error("gridDensity needs at least one ring or blob");
  const rng = new Rng(seed);
  const parts: { f: Component; weight: number }[] = [];
  for (let r = 0; r < rings; r++) parts.push({ f: ring(rng), weight: 1 + rng.next() });
  for (let b = 0; b < blobs; b++) parts.push({ f: blob(rng), weight: 0.5 + 0.5 * rng.next() });
  const totalWeight = parts.reduce((a, p) => a + p.weight, 0);
  const probs = new Float64Array(size * size);
  const cell = new Float64Array(size * size);
  for (const { f, weight } of parts) {
    let z = 0;
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) z += cell[row * size + col] = Math.exp(f((col + 0.5) / size, (row + 0.5) / size));
    }
    for (let k = 0; k < cell.length; k++) probs[k] += (weight / totalWeight) * (cell[k]! / z);
  }
  return { size, probs };
}

/** Shannon entropy (nats) of the density. */
export function gridEntropy(d: GridDensity): number {
  let h = 0;
  for (const p of d.probs) if (p > 0) h -= p * Math.log(p);
  return h;
}

/** n draws (token 0, token 1) from the density, interleaved [2n], by inverse CDF with a binary search. */
export function sampleGridPairs(d: GridDensity, n: number, rng: Rng): Int32Array {
  const cdf = new Float64Array(d.probs.length);
  let acc = 0;
  d.probs.forEach((p, k) => (cdf[k] = acc += p));
  const out = new Int32Array(2 * n);
  for (let s = 0; s < n; s++) {
    const u = rng.next() * acc;
    let [lo, hi] = [0, cdf.length - 1]; // first k with cdf[k] > u: never a cell of probability 0
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[2 * s] = Math.floor(lo / d.size);
    out[2 * s + 1] = lo % d.size;
  }
  return out;
}

/**
 * KL(truth ‖ model) = Σ_{truth > 0} p·(log p − log max(q, min(p, floor))), exact over the table. The floor
 * (default 1e-12) turns a model that misses part of the support into a large finite value instead of
 * Infinity; capping it at p keeps cells where both are tiny from going negative (so KL(p ‖ p) = 0). Pass 0
 * for the unguarded value.
 */
export function klDivergence(truth: Float64Array, model: Float64Array, floor = 1e-12): number {
  if (truth.length !== model.length) throw new Error(`klDivergence: tables of different sizes (${truth.length} vs ${model.length})`);
  let kl = 0;
  truth.forEach((p, k) => {
    if (p > 0) kl += p * (Math.log(p) - Math.log(Math.max(model[k]!, Math.min(p, floor))));
  });
  return kl;
}
