/** Monte-Carlo estimate of the T-step discrete-time NELBO (§1.8) of clean sequences under any Denoiser, in float64. */
import type { Rng } from "../../engine/rng.js";
import type { Denoiser, States } from "../denoiser.js";
import { logSnrAt, type Schedule } from "../schedule.js";
import { subsLogProbs } from "../subs.js";
import { antithetic, stratified } from "../time-sampling.js";
import { forwardSampleBatch, maskedCrossEntropy, reconstructionTerm, type TimeSampling } from "./continuous.js";

/** c = (α(s) − α(t))/(1 − α(t)) for s < t, computed as −α(s)·expm1(γ(t) − γ(s)) (MD4's stable form). */
export function discreteCoefficient(schedule: Schedule, s: number, t: number): number {
  return -schedule.alpha(s) * Math.expm1(logSnrAt(schedule, t) - logSnrAt(schedule, s));
}

/** Options of discreteNelbo. */
export interface DiscreteNelboOptions {
  /** How the per-sequence step indices are stratified over the batch (default 'antithetic'). */
  sampling?: TimeSampling;
}

/**
 * One-sample NELBO_T estimate (nats) per clean sequence of x on the grid t_k = k/T: k uniform in
 * 1..T (k = ⌊u·T⌋ + 1, u from the batch sampler), z ~ q(·|x, t_k), value
 * T·c_k·Σ_{masked i} −log μ(z, t_k)^i[x_i] + reconstructionTerm.
 */
export function discreteNelbo(
  denoiser: Denoiser,
  x: States,
  schedule: Schedule,
  T: number,
  rng: Rng,
  opts: DiscreteNelboOptions = {},
): Float64Array {
  if (!Number.isInteger(T) || T < 1) throw new Error(`discreteNelbo: T must be a positive integer, got ${T}`);
  const V = denoiser.vocabSize;
  const u = (opts.sampling ?? "antithetic") === "antithetic" ? antithetic(x.batch, rng, 0) : stratified(x.batch, rng, 0);
  const k = u.map((ub) => Math.min(T, Math.floor(ub * T) + 1));
  const t = k.map((kb) => kb / T);
  const z = forwardSampleBatch(x, t.map((tb) => schedule.alpha(tb)), V, rng);
  const ce = maskedCrossEntropy(subsLogProbs(denoiser.predict(z, t), z, V), z, x, V);
  const recon = reconstructionTerm(schedule, x.length, V);
  return ce.map((c, b) => (c > 0 ? T * discreteCoefficient(schedule, (k[b]! - 1) / T, t[b]!) * c : 0) + recon);
}
