/** Closed-form idle steps of a T-step sampler over L·ℓ sub-tokens (ALGORITHMS §3.9), and an elbow rule for ℓ. */
import type { Schedule } from "./schedule.js";
import { gridPoint, type GridKind } from "./samplers/grid.js";

/** A sampler setting: L tokens of ℓ digits, T steps of a grid under a schedule. */
export interface IdleStepSetting {
  /** Masking schedule α(t). */
  schedule: Schedule;
  /** Tokens per sequence L. */
  tokens: number;
  /** Digits per token ℓ (1 = ordinary MDM). */
  ell: number;
  /** Sampling steps T. */
  steps: number;
  /** Time grid (default uniform). */
  grid?: GridKind;
}

/** Expected idle steps, idle-step ratio and non-cacheable network calls of one setting. */
export interface IdleStepStats {
  /** E[#idle steps] = Σ_k (1 − (α(s_k) − α(t_k)))^(L·ℓ). */
  idle: number;
  /** Idle-step ratio E[#idle] / T. */
  ratio: number;
  /** Expected non-cacheable network calls T − E[#idle]. */
  nonCachedNfe: number;
}

/**
 * log P(step k idle) = L·ℓ·log1p(−(α(s_k) − α(t_k))): every sub-token starts masked and is revealed in
 * step k with unconditional probability α(s_k) − α(t_k), independently of the others (needs α(1) = 0).
 */
export function logIdleProbability(setting: IdleStepSetting, k: number): number {
  const { schedule, tokens, ell, steps, grid = "uniform" } = setting;
  const { t, s } = gridPoint(k, steps, grid);
  const reveal = schedule.maskProb(t) - schedule.maskProb(s);
  return tokens * ell * Math.log1p(-Math.min(1, Math.max(0, reveal)));
}

/** E[#idle], ISR and N-NFE of a setting, summing the per-step idle probabilities (expm1 keeps 1 − P accurate). */
export function idleStepStats(setting: IdleStepSetting): IdleStepStats {
  let idle = 0;
  let nonCachedNfe = 0;
  for (let k = 0; k < setting.steps; k++) {
    const logP = logIdleProbability(setting, k);
    idle += Math.exp(logP);
    nonCachedNfe -= Math.expm1(logP);
  }
  return { idle, ratio: idle / setting.steps, nonCachedNfe };
}

/**
 * Elbow of an ISR curve, isrByEll[i] = ISR at ℓ = i + 1 (Kneedle rule): the ℓ whose point lies farthest
 * below the chord joining the first and last points, ties to the smaller ℓ; 1 when no point is below
 * the chord (a straight or concave curve has no elbow).
 */
export function elbowEll(isrByEll: readonly number[]): number {
  const n = isrByEll.length;
  if (n === 0 || isrByEll.some((v) => !Number.isFinite(v))) throw new Error("elbowEll needs a non-empty curve of finite ISR values");
  const first = isrByEll[0]!;
  const slope = n > 1 ? (isrByEll[n - 1]! - first) / (n - 1) : 0;
  let best = 1;
  let bestGap = 0;
  isrByEll.forEach((v, i) => {
    const gap = first + slope * i - v;
    if (gap > bestGap) [best, bestGap] = [i + 1, gap];
  });
  return best;
}
