/** Monte-Carlo estimate of the exact T-step discrete-time bound (§1.8, §3.7b) of clean sequences under any Denoiser. */
import type { Rng } from "../../engine/rng.js";
import { predictLogProbs, type Denoiser, type States } from "../denoiser.js";
import { logSnrAt, type Schedule } from "../schedule.js";
import { antithetic, stratified } from "../time-sampling.js";
import { cleanStates, forwardSampleBatch, reconstructionTerm, type TimeSampling } from "./continuous.js";
import { stepKl } from "./token-terms.js";

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
 * 1..T (k = ⌊u·T⌋ + 1, u from the batch sampler), y ~ q(·|f(x), t_k), value T·KL_k(y) + reconstructionTerm,
 * KL_k the exact one-step KL with reveal probability c_k (c_k·Σ_{masked} −log μ at one position per token).
 */
export function discreteNelbo(denoiser: Denoiser, x: States, schedule: Schedule, T: number, rng: Rng, opts: DiscreteNelboOptions = {}): Float64Array {
  if (!Number.isInteger(T) || T < 1) throw new Error(`discreteNelbo: T must be a positive integer, got ${T}`);
  const layout = denoiser.layout;
  const u = (opts.sampling ?? "antithetic") === "antithetic" ? antithetic(x.batch, rng, 0) : stratified(x.batch, rng, 0);
  const k = u.map((ub) => Math.min(T, Math.floor(ub * T) + 1));
  const t = k.map((kb) => kb / T);
  const y0 = cleanStates(x, layout);
  const alphas = t.map((tb) => schedule.alpha(tb));
  const y = forwardSampleBatch(y0, (b) => alphas[b]!, layout.maskId, rng);
  const logp = predictLogProbs(denoiser, y, t);
  const recon = reconstructionTerm(schedule, x.length / layout.groupSize, layout);
  const out = new Float64Array(x.batch);
  for (let b = 0; b < x.batch; b++) {
    const row: States = { tokens: y.tokens.subarray(b * y.length, (b + 1) * y.length), batch: 1, length: y.length };
    const clean: States = { tokens: y0.tokens.subarray(b * y.length, (b + 1) * y.length), batch: 1, length: y.length };
    const rowLogp = logp.subarray((b * logp.length) / x.batch, ((b + 1) * logp.length) / x.batch);
    const kl = stepKl(rowLogp, row, clean, layout, discreteCoefficient(schedule, (k[b]! - 1) / T, t[b]!))[0]!;
    out[b] = (kl > 0 ? T * kl : 0) + recon;
  }
  return out;
}
