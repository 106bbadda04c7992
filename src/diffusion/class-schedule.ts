/** State-dependent (per-class) masking schedules: α_v(t), one per clean class v (GenMD4, ALGORITHMS.md §2). */
import type { Schedule } from "./schedule.js";

/** A masking schedule with one α_v per clean class; every array holds C values, float64, stable forms. */
export interface ClassSchedule {
  /** Number of clean classes C. */
  readonly classes: number;
  /** log α_v(t) for every class. */
  logAlpha(t: number): Float64Array;
  /** log(1 − α_v(t)) for every class, without cancellation. */
  logMaskProb(t: number): Float64Array;
  /** −α′_v(t)/(1 − α_v(t)) for every class (the per-class ELBO weight). */
  weight(t: number): Float64Array;
  /** r_v = (α_v(s) − α_v(t))/(1 − α_v(t)) for s < t: the probability that a masked class-v token is revealed by s. */
  revealProb(s: number, t: number): Float64Array;
}

/** A Schedule whose only meaningful part is `perClass`: its scalar α, 1 − α, α′ and w throw, so no scalar-only code runs on it by accident. */
export function perClassSchedule(name: string, perClass: ClassSchedule): Schedule {
  const scalar = (what: string) => (): number => {
    throw new Error(`schedule '${name}' is state-dependent (one α_v per class): ${what} has no single value; this code path needs a scalar schedule`);
  };
  return { name, perClass, alpha: scalar("α(t)"), maskProb: scalar("1 − α(t)"), alphaPrime: scalar("α′(t)"), weight: scalar("w(t)") };
}
