/**
 * Upper-bound estimates of a sampler's entropy rate from its samples, and the resulting lower-bound estimate of
 * KL(samples ‖ truth) per token. For any normalised distribution r over length-L sequences, the samples' entropy
 * H(q) ≤ E_q[−log r(x)] (Gibbs), so KL(q‖p) = E_q[−log p(x)] − H(q) ≥ E_q[−log p(x)] − E_q[−log r(x)]: a lower
 * bound, estimated without bias from the samples (up to Monte-Carlo error). Two proposals r are used:
 * the model's certified step bound (a further upper bound on −log r for r the model's T-step sampler; tight when
 * the sampler draws from the model) and an order-k Markov chain fitted to the other half of the samples
 * (tight when the samples collapse onto few sequences).
 */
import type { BoundSpec } from "../diffusion/bounds.js";
import type { Denoiser } from "../diffusion/denoiser.js";
import type { Schedule } from "../diffusion/schedule.js";
import { Rng } from "../engine/rng.js";
import { meanStderr } from "./sampler-eval-metrics.js";

/** Entropy upper bounds and the KL lower-bound estimate of one set of samples (nats per token). */
export interface EntropyScores {
  /** Mean over samples of the model's certified T-step NELBO per token: an upper-bound estimate of the samples' entropy rate. */
  entropy_ub_model: number;
  /** Its standard error. */
  entropy_ub_model_stderr: number;
  /** Mean cross-entropy per token under a Markov chain fitted to the other half of the samples: another upper-bound estimate. */
  entropy_ub_markov: number;
  /** Its standard error. */
  entropy_ub_markov_stderr: number;
  /** Oracle NLL − the smaller of the two entropy upper bounds: a lower-bound estimate of KL(samples ‖ truth) per token. */
  kl_lower_estimate: number;
  /** Its standard error (paired over samples). */
  kl_lower_estimate_stderr: number;
}

/** How the model-side entropy bound is computed. */
export interface ModelEntropyOptions {
  /** A certified bound of the model (an upper bound on −log r(x) for a normalised r). */
  bound: BoundSpec;
  schedule: Schedule;
  /** Steps of the bound's T-step sampler. */
  steps: number;
  /** Monte-Carlo draws per sample, averaged (each: one network call over all samples). */
  draws: number;
  /** Seed: draw j uses Rng.derived(seed, j), whatever the row. */
  seed: number;
}

/** Per-sample mean over `draws` one-sample estimates of the certified bound, in nats per token. */
export function modelBoundPerToken(denoiser: Denoiser, seqs: readonly ArrayLike<number>[], o: ModelEntropyOptions): Float64Array {
  if (!o.bound.certified) throw new Error(`modelBoundPerToken: bound '${o.bound.name}' is not a certified upper bound`);
  if (!Number.isSafeInteger(o.draws) || o.draws < 1) throw new Error(`modelBoundPerToken: draws must be a positive integer, got ${o.draws}`);
  const L = seqs[0]!.length;
  const tokens = new Int32Array(seqs.length * L);
  seqs.forEach((s, b) => tokens.set(s, b * L));
  const sum = new Float64Array(seqs.length);
  for (let j = 0; j < o.draws; j++) {
    const v = o.bound.estimate(denoiser, { tokens, batch: seqs.length, length: L }, Rng.derived(o.seed, j), { schedule: o.schedule, steps: o.steps, tMin: 0 });
    for (let b = 0; b < seqs.length; b++) sum[b]! += v[b]!;
  }
  return sum.map((s) => s / o.draws / L);
}

/**
 * Cross-fitted Markov cross-entropy per token: the samples are split by index parity; each half is scored under an
 * order-`order` chain with add-`alpha` conditionals fitted to the other half (positions i < order condition on
 * the i tokens before them, with their own counts), so each value is −log r(x)/L for a normalised r not fitted to x.
 */
export function markovCrossEntropyPerToken(seqs: readonly ArrayLike<number>[], K: number, order: number, alpha: number): Float64Array {
  if (seqs.length < 2) throw new Error(`markovCrossEntropyPerToken: need at least 2 samples, got ${seqs.length}`);
  if (!Number.isSafeInteger(order) || order < 0) throw new Error(`markovCrossEntropyPerToken: order must be an integer ≥ 0, got ${order}`);
  if (!(alpha > 0 && Number.isFinite(alpha))) throw new Error(`markovCrossEntropyPerToken: alpha must be a finite number > 0, got ${alpha}`);
  const ctx = (s: ArrayLike<number>, i: number): string => `${Math.min(i, order)}:${Array.prototype.slice.call(s, Math.max(0, i - order), i).join(",")}`;
  const counts = [new Map<string, Float64Array>(), new Map<string, Float64Array>()];
  seqs.forEach((s, b) => {
    const table = counts[b % 2]!;
    for (let i = 0; i < s.length; i++) {
      const key = ctx(s, i);
      let c = table.get(key);
      if (!c) table.set(key, (c = new Float64Array(K + 1))); // K symbol counts, then their total
      c[s[i]!]!++;
      c[K]!++;
    }
  });
  return Float64Array.from(seqs, (s, b) => {
    const table = counts[1 - (b % 2)]!;
    let nll = 0;
    for (let i = 0; i < s.length; i++) {
      const c = table.get(ctx(s, i));
      nll -= Math.log(((c ? c[s[i]!]! : 0) + alpha) / ((c ? c[K]! : 0) + alpha * K));
    }
    return nll / s.length;
  });
}

/** The scores from per-sample oracle NLLs and the two per-sample entropy upper bounds (all nats per token). */
export function entropyScores(oracleNll: ArrayLike<number>, modelUb: ArrayLike<number>, markovUb: ArrayLike<number>): EntropyScores {
  const model = meanStderr(modelUb);
  const markov = meanStderr(markovUb);
  const ub = model.mean <= markov.mean || !Number.isFinite(markov.mean) ? modelUb : markovUb;
  const kl = meanStderr(Float64Array.from(oracleNll, (x, i) => x - ub[i]!));
  return {
    entropy_ub_model: model.mean, entropy_ub_model_stderr: model.stderr,
    entropy_ub_markov: markov.mean, entropy_ub_markov_stderr: markov.stderr,
    kl_lower_estimate: kl.mean, kl_lower_estimate_stderr: kl.stderr,
  };
}
