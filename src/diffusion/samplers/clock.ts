/**
 * Clocks of the variable-step policies: the time at which a masking schedule reaches a given masking probability
 * (its inverse, by bisection, for any scalar schedule), and the time of the next reveal among m masked positions.
 */
import type { Schedule } from "../schedule.js";

/** Bisection halvings: enough to pin t ∈ [0, 1] to the last bit of a double. */
const HALVINGS = 64;

/**
 * The time t ∈ [0, 1] with 1 − α(t) = m (1 − α is increasing): 0 for m ≤ 1 − α(0), 1 for m ≥ 1 − α(1).
 * Refuses a per-class schedule (it has no single masking probability).
 */
export function timeAtMaskProb(schedule: Schedule, m: number): number {
  if (schedule.perClass) throw new Error(`schedule '${schedule.name}' is per-class: a clock needs one scalar α(t)`);
  if (Number.isNaN(m)) throw new Error("timeAtMaskProb: masking probability is NaN");
  if (m >= schedule.maskProb(1)) return 1;
  if (m <= schedule.maskProb(0)) return 0;
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < HALVINGS && hi - lo > 0; k++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (schedule.maskProb(mid) < m) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The next reveal time s < t of the reverse process when m positions are masked at time t: each is still masked at s
 * with probability (1 − α(s))/(1 − α(t)), independently, so the first of them is revealed at the s solving
 * (1 − α(s))/(1 − α(t)) = u^{1/m}, u ~ U(0, 1) (for the linear schedule, s = t·u^{1/m}).
 */
export function nextRevealTime(schedule: Schedule, t: number, m: number, u: number): number {
  if (!Number.isInteger(m) || m < 1) throw new Error(`nextRevealTime: masked count must be a positive integer, got ${m}`);
  return Math.min(t, timeAtMaskProb(schedule, schedule.maskProb(t) * Math.pow(u, 1 / m)));
}
