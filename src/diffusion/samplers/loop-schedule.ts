/**
 * ReMDM-loop's reshaped schedule (ALGORITHMS.md §4.5) as a wrapper of the loop's schedule α_b.
 * With m̃(u) = (m_b(u) − m_b(0))/(m_b(1) − m_b(0)) (α_b's masking probability stretched to run exactly 0 → 1):
 *   phase 1, t > t_on:          α(t) = α_on·(1 − m̃((t − t_on)/(1 − t_on)))     rises 0 → α_on
 *   phase 2, t_off < t ≤ t_on:  α(t) = α_on                                      constant
 *   phase 3, t ≤ t_off:         α(t) = 1 − (1 − α_on)·m̃(t/t_off)                 rises α_on → 1
 * For linear α_b this is exactly §4.5's α_on(1 − t)/(1 − t_on), α_on and 1 − t(1 − α_on)/t_off.
 *
 * Straddling steps: this wrapper is a genuine, continuous function of time, so a step whose t and s lie
 * in different phases evaluates α(t) and α(s) each in its own phase (the reference code instead applies
 * t's phase formula to s too, which overshoots α_on at the t_on boundary); the step's σ follows the phase of t.
 * loopPhaseSchedule gives the official rule (ReMDM-loop with compat=official).
 */
import type { Schedule } from "../schedule.js";
import { checkRange } from "./remdm-params.js";

/** The shape of ReMDM-loop's schedule. */
export interface LoopShape {
  /** Switch-on time t_on ∈ (t_off, 1]. */
  tOn: number;
  /** Switch-off time t_off ∈ [0, t_on). */
  tOff: number;
  /** Plateau α_on ∈ (0, 1). */
  alphaOn: number;
}

/** Throws a clear Error unless 0 ≤ t_off < t_on ≤ 1 and 0 < α_on < 1. */
export function checkLoopShape(who: string, o: LoopShape): void {
  checkRange(who, "alpha_on", o.alphaOn, 0, 1, { lo: true, hi: true });
  checkRange(who, "t_on", o.tOn, 0, 1, { lo: true });
  checkRange(who, "t_off", o.tOff, 0, 1);
  if (!(o.tOff < o.tOn)) throw new Error(`${who}: need t_off < t_on, got t_off = ${o.tOff} ≥ t_on = ${o.tOn}`);
}

/** The phase (1, 2 or 3) that time t belongs to. */
export function loopPhase(t: number, o: LoopShape): 1 | 2 | 3 {
  return t > o.tOn ? 1 : t > o.tOff ? 2 : 3;
}

/**
 * The official code's rule for one step (compat=official): the formula of phase `phase` (the phase of the
 * step's t) evaluated at any time, also past that phase's end, so a step from t > t_on to s ≤ t_on gets
 * α(s) = α_on·(1 − m̃((s − t_on)/(1 − t_on))) > α_on, and a step from t > t_off to s ≤ t_off gets
 * α(s) = α_on. Past the end of phase 1, m̃ is extended linearly with its slope at 0: for the linear α_b
 * (the official α = 1 − t) that is exactly the official α_on·(1 − s)/(1 − t_on).
 */
export function loopPhaseSchedule(base: Schedule, o: LoopShape, phase: 1 | 2 | 3): Schedule {
  const loop = loopSchedule(base, o);
  if (phase === 3) return { ...loop, name: `${loop.name}[phase 3]` };
  const { tOn, alphaOn } = o;
  const m0 = base.maskProb(0);
  const span = base.maskProb(1) - m0;
  const slope0 = -base.alphaPrime(0) / span;
  const stretched = (u: number): number => (u < 0 ? slope0 * u : Math.min(1, Math.max(0, (base.maskProb(u) - m0) / span)));
  const maskProb = (t: number): number => (phase === 2 ? 1 - alphaOn : 1 - alphaOn + alphaOn * stretched((t - tOn) / (1 - tOn)));
  const alphaPrime = (t: number): number => (phase === 2 ? 0 : t > tOn ? loop.alphaPrime(t) : (-alphaOn * slope0) / (1 - tOn));
  return {
    name: `${loop.name}[phase ${phase}]`,
    alpha: (t) => 1 - maskProb(t),
    maskProb,
    alphaPrime,
    weight: (t) => -alphaPrime(t) / maskProb(t),
  };
}

/** ReMDM-loop's three-phase schedule built on `base` (validated with checkLoopShape). */
export function loopSchedule(base: Schedule, o: LoopShape): Schedule {
  checkLoopShape("loop schedule", o);
  const { tOn, tOff, alphaOn } = o;
  const m0 = base.maskProb(0);
  const span = base.maskProb(1) - m0;
  if (!(span > 0)) throw new Error(`loop schedule: base schedule '${base.name}' must mask more at t = 1 than at t = 0`);
  const stretched = (u: number): number => Math.min(1, Math.max(0, (base.maskProb(u) - m0) / span));
  const stretchedPrime = (u: number): number => -base.alphaPrime(u) / span;
  const maskProb = (t: number): number => {
    const phase = loopPhase(t, o);
    if (phase === 1) return 1 - alphaOn + alphaOn * stretched((t - tOn) / (1 - tOn));
    if (phase === 2) return 1 - alphaOn;
    return tOff > 0 ? (1 - alphaOn) * stretched(t / tOff) : 0;
  };
  const alpha = (t: number): number => {
    const phase = loopPhase(t, o);
    if (phase === 1) return alphaOn * (1 - stretched((t - tOn) / (1 - tOn)));
    return phase === 2 ? alphaOn : 1 - maskProb(t);
  };
  const alphaPrime = (t: number): number => {
    const phase = loopPhase(t, o);
    if (phase === 1) return (-alphaOn * stretchedPrime((t - tOn) / (1 - tOn))) / (1 - tOn);
    if (phase === 2 || tOff === 0) return 0;
    return (-(1 - alphaOn) * stretchedPrime(t / tOff)) / tOff;
  };
  return {
    name: `${base.name}+loop(t_on=${tOn},t_off=${tOff},alpha_on=${alphaOn})`,
    alpha,
    maskProb,
    alphaPrime,
    weight: (t) => -alphaPrime(t) / maskProb(t),
  };
}
