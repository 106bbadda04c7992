/** Monte-Carlo estimate of the continuous-time NELBO (§1.5) of clean sequences under any Denoiser, in float64. */
import type { Rng } from "../../engine/rng.js";
import type { Denoiser, States } from "../denoiser.js";
import type { Schedule } from "../schedule.js";
import { subsLogProbs } from "../subs.js";
import { antithetic, stratified } from "../time-sampling.js";

/** How the batch's diffusion times are drawn (§1.6). */
export type TimeSampling = "antithetic" | "stratified";

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
}

/** MD4's reconstruction term L·(1 − α(0))·log V, zero when α(0) = 1. The prior term at t = 1 is taken as 0, as MD4 and MDLM do. */
export function reconstructionTerm(schedule: Schedule, length: number, V: number): number {
  const m0 = schedule.maskProb(0);
  return m0 > 0 ? length * m0 * Math.log(V) : 0;
}

/** Draws z ~ q(·|x, t_b) for every sequence: position i is masked (set to V) with probability 1 − α(t_b). */
export function forwardSampleBatch(x: States, alphas: Float64Array, V: number, rng: Rng): States {
  const { batch, length } = x;
  const tokens = new Int32Array(batch * length);
  for (let b = 0; b < batch; b++) {
    for (let i = b * length; i < (b + 1) * length; i++) tokens[i] = rng.next() < alphas[b]! ? x.tokens[i]! : V;
  }
  return { tokens, batch, length };
}

/** Per-sequence Σ_{masked i} −log μ^i[x_i] for noisy states z of clean x (log μ from subsLogProbs, [B·L·V]). */
export function maskedCrossEntropy(logMu: Float64Array, z: States, x: States, V: number): Float64Array {
  const ce = new Float64Array(z.batch);
  for (let b = 0; b < z.batch; b++) {
    for (let i = b * z.length; i < (b + 1) * z.length; i++) if (z.tokens[i] === V) ce[b] -= logMu[i * V + x.tokens[i]!]!;
  }
  return ce;
}

/**
 * One-sample NELBO estimate (nats) per clean sequence of x (tokens in 0..V−1): t_b from the batch
 * sampler, z ~ q(·|x, t_b), value w(t_b)·Σ_{masked i} −log μ(z, t_b)^i[x_i] + reconstructionTerm.
 */
export function continuousNelbo(
  denoiser: Denoiser,
  x: States,
  schedule: Schedule,
  rng: Rng,
  opts: ContinuousNelboOptions = {},
): Float64Array {
  const tMin = opts.tMin ?? 0;
  const V = denoiser.vocabSize;
  const t = (opts.sampling ?? "antithetic") === "antithetic" ? antithetic(x.batch, rng, tMin) : stratified(x.batch, rng, tMin);
  const z = forwardSampleBatch(x, t.map((tb) => schedule.alpha(tb)), V, rng);
  const ce = maskedCrossEntropy(subsLogProbs(denoiser.predict(z, t), z, V), z, x, V);
  const recon = reconstructionTerm(schedule, x.length, V);
  return ce.map((c, b) => (c > 0 ? (1 - tMin) * schedule.weight(t[b]!) * c : 0) + recon);
}
