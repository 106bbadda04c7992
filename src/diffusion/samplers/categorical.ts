/** Float64 categorical draws and argmax over rows of a flat probability buffer. */
import type { Rng } from "../../engine/rng.js";

/**
 * Draws v ∈ [0, n) with probability p[off+v] / Σ p by the exponential race argmax_v p_v / E_v
 * (equivalent to Gumbel-max); the row need not be normalised. Entries ≤ 0 are never drawn and
 * consume no randomness. Throws when no entry is positive.
 */
export function sampleCategorical(p: ArrayLike<number>, off: number, n: number, rng: Rng): number {
  let best = -1;
  let bestVal = -Infinity;
  for (let v = 0; v < n; v++) {
    const pv = p[off + v]!;
    if (!(pv > 0)) continue;
    const val = pv / rng.exponential();
    if (val > bestVal) {
      bestVal = val;
      best = v;
    }
  }
  if (best < 0) throw new Error(`sampleCategorical: no positive entry in row at offset ${off}`);
  return best;
}

/** Index (relative to off) of the largest of p[off..off+n), the first one on ties. */
export function argmaxRow(p: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let v = 1; v < n; v++) if (p[off + v]! > p[off + best]!) best = v;
  return best;
}
