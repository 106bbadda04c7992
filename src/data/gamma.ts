/** Gamma and normal variates from a seeded Rng (Box–Muller; Marsaglia–Tsang 2000 for the gamma). */
import type { Rng } from "../engine/rng.js";

/** A standard normal draw by Box–Muller (one of the pair; the other is discarded). */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next(); // (0, 1], so the log is finite
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A Gamma(shape, 1) draw. For shape ≥ 1, Marsaglia–Tsang squeeze/rejection with d = shape − 1/3;
 * for shape < 1, Gamma(shape + 1)·U^(1/shape).
 */
export function gamma(rng: Rng, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new Error(`gamma: shape must be a finite number > 0, got ${shape}`);
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(rng);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Dirichlet(concentration, …, concentration) draw of dimension k: normalised gamma variates. */
export function symmetricDirichlet(rng: Rng, k: number, concentration: number): Float64Array {
  for (;;) {
    const p = new Float64Array(k);
    let sum = 0;
    for (let i = 0; i < k; i++) sum += p[i] = gamma(rng, concentration);
    if (sum > 0) return p.map((x) => x / sum);
  }
}
