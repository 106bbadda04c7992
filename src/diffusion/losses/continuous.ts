/** Monte-Carlo estimate of a continuous-time bound (§1.5, §3.7) of clean sequences under any Denoiser, in float64. */
import type { Rng } from "../../engine/rng.js";
import { predictLogProbs, type Denoiser, type States } from "../denoiser.js";
import type { Schedule } from "../schedule.js";
import { encodeTokens, statePositions, type StateLayout } from "../state-layout.js";
import { antithetic, stratified } from "../time-sampling.js";
import { digitCrossEntropy, jointCrossEntropy } from "./token-terms.js";

/** How the batch's diffusion times are drawn (§1.6). */
export type TimeSampling = "antithetic" | "stratified";

/** Which cross-entropy the time integral weighs: per digit (certified) or per token joint (MDM-Prime's paper form). */
export type Integrand = "digit" | "joint";

/** Options of continuousNelbo. */
export interface ContinuousNelboOptions {
  /** Time sampler over the batch (default 'antithetic', MD4's). */
  sampling?: TimeSampling;
  /**
   * Integrate over [tMin, 1] instead of [0, 1] (default 0). Times are drawn in [tMin, 1] and the
   * weight is multiplied by (1 − tMin), so the estimate is unbiased for the truncated integral,
   * which is smaller than the full bound by O(tMin). Without ε-squash, w ~ 1/t gives the tMin = 0
   * estimator a (logarithmically) infinite variance; squash or a small tMin fixes that.
   */
  tMin?: number;
  /** The integrand (default "digit"; both agree at one position per token). */
  integrand?: Integrand;
}

/**
 * The reconstruction term at t = 0: each token with a masked position (probability 1 − (1 − m₀)^ℓ,
 * m₀ = 1 − α(0)) costs at most log C under a uniform prediction — MD4's L·(1 − α(0))·log V at ℓ = 1.
 * Zero when α(0) = 1. The prior term at t = 1 is taken as 0, as MD4 and MDLM do.
 */
export function reconstructionTerm(schedule: Schedule, length: number, layout: StateLayout): number {
  const m0 = schedule.maskProb(0);
  if (!(m0 > 0)) return 0;
  const pAny = layout.positionsPerToken === 1 ? m0 : -Math.expm1(layout.positionsPerToken * Math.log1p(-m0));
  return length * pAny * Math.log(layout.classes);
}

/** The clean states [B, (n/q)·ℓ] of clean data-token sequences [B, n]. */
export function cleanStates(x: States, layout: StateLayout): States {
  return { tokens: encodeTokens(layout, x.tokens), batch: x.batch, length: statePositions(layout, x.length) };
}

/**
 * Draws y ~ q(·|y₀, t_b) for every sequence: state position i of sequence b stays clean with probability
 * keep(b, y₀ᵢ, i) — α(t_b) for a scalar schedule, α_{y₀ᵢ}(t_b) for a per-class one, α at the time of i's block for
 * block diffusion — and is masked otherwise.
 */
export function forwardSampleBatch(y0: States, keep: (b: number, clean: number, i: number) => number, maskId: number, rng: Rng): States {
  const { batch, length } = y0;
  const tokens = new Int32Array(batch * length);
  for (let b = 0; b < batch; b++) {
    for (let i = b * length; i < (b + 1) * length; i++) tokens[i] = rng.next() < keep(b, y0.tokens[i]!, i - b * length) ? y0.tokens[i]! : maskId;
  }
  return { tokens, batch, length };
}

/**
 * One-sample estimate (nats) per clean token sequence of x: t_b from the batch sampler, y ~ q(·|f(x), t_b),
 * value (1 − tMin)·w(t_b)·CE(y) + reconstructionTerm, CE the chosen integrand.
 */
export function continuousNelbo(denoiser: Denoiser, x: States, schedule: Schedule, rng: Rng, opts: ContinuousNelboOptions = {}): Float64Array {
  const tMin = opts.tMin ?? 0;
  const layout = denoiser.layout;
  const t = (opts.sampling ?? "antithetic") === "antithetic" ? antithetic(x.batch, rng, tMin) : stratified(x.batch, rng, tMin);
  const y0 = cleanStates(x, layout);
  const alphas = t.map((tb) => schedule.alpha(tb));
  const y = forwardSampleBatch(y0, (b) => alphas[b]!, layout.maskId, rng);
  const logp = predictLogProbs(denoiser, y, t);
  const ce = (opts.integrand === "joint" ? jointCrossEntropy : digitCrossEntropy)(logp, y, y0, layout);
  const recon = reconstructionTerm(schedule, x.length / layout.groupSize, layout);
  return ce.map((c, b) => (c > 0 ? (1 - tMin) * schedule.weight(t[b]!) * c : 0) + recon);
}
