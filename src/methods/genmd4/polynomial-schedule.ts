/** GenMD4's per-class polynomial schedule α_v(t) = 1 − (1 − ε)·t^{w_v} in float64, in the stable forms of ALGORITHMS.md §2. */
import type { ClassSchedule } from "../../diffusion/class-schedule.js";

/** The per-class schedule with exponents w (one per class) and α_v(1) = ε. */
export function polynomialClassSchedule(w: Float64Array, eps: number): ClassSchedule {
  for (const [v, wv] of w.entries()) if (!(wv > 0) || !Number.isFinite(wv)) throw new Error(`class ${v}: exponent w = ${wv}, expected a finite w > 0`);
  if (!(eps >= 0 && eps < 1)) throw new Error(`eps = ${eps}, expected 0 ≤ eps < 1`);
  const C = w.length;
  const map = (f: (wv: number) => number): Float64Array => Float64Array.from(w, f);
  return {
    classes: C,
    logAlpha: (t) => map((wv) => Math.log1p(-(1 - eps) * Math.exp(wv * Math.log(t)))),
    logMaskProb: (t) => map((wv) => Math.log1p(-eps) + wv * Math.log(t)),
    weight: (t) => map((wv) => wv / t),
    revealProb: (s, t) => map((wv) => (s <= 0 ? 1 : -Math.expm1(wv * Math.log(s / t)))),
  };
}
