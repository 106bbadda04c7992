/**
 * Scores of a sampler on a coupled-token task with an exact law: accuracy (share of samples in the support) and
 * KL(data ‖ model) in nats from the samples' histogram, with add-1e-6 smoothing of the empirical probabilities
 * (p̂ = (c/N + 1e-6)/(1 + K·1e-6), K = 10^D states), as VMD_DETAILS §4.2 reads the paper's numbers.
 */
import { Rng } from "../engine/rng.js";
import type { Denoiser } from "../diffusion/denoiser.js";
import type { Schedule } from "../diffusion/schedule.js";
import type { SamplerPolicy } from "../diffusion/samplers/index.js";
import { generate } from "../methods/generate.js";
import type { MethodModel } from "../methods/method.js";

/** The smoothing added to every empirical probability before the KL. */
export const KL_SMOOTHING = 1e-6;

/** Accuracy with its standard error, KL(data ‖ samples) and the number of samples. */
export interface CoupledScore {
  accuracy: number;
  accuracy_stderr: number;
  kl_nats: number;
  samples: number;
}

/** Index of each record of `tokens` ([N·D], symbols 0..9). */
function recordIndex(tokens: ArrayLike<number>, r: number, D: number, symbols: number): number {
  let idx = 0;
  for (let j = 0; j < D; j++) idx = idx * symbols + tokens[r * D + j]!;
  return idx;
}

/** Scores records [N·D] against the law over symbols^D. */
export function scoreRecords(tokens: ArrayLike<number>, D: number, law: Float64Array, symbols = 10): CoupledScore {
  const N = tokens.length / D;
  const counts = new Float64Array(law.length);
  for (let r = 0; r < N; r++) counts[recordIndex(tokens, r, D, symbols)]!++;
  return scoreHistogram(counts, law);
}

/** Scores a histogram of sampled records against the law. */
export function scoreHistogram(counts: Float64Array, law: Float64Array): CoupledScore {
  const N = counts.reduce((a, c) => a + c, 0);
  let inSupport = 0;
  let kl = 0;
  const norm = 1 + law.length * KL_SMOOTHING;
  counts.forEach((c, i) => {
    if (law[i]! > 0) {
      inSupport += c;
      kl += law[i]! * Math.log(law[i]! / ((c / N + KL_SMOOTHING) / norm));
    }
  });
  const acc = inSupport / N;
  return { accuracy: acc, accuracy_stderr: Math.sqrt((acc * (1 - acc)) / N), kl_nats: kl, samples: N };
}

/** The scores of a model that samples every token independently from the law's marginals (a perfect one-step MDM). */
export function productOfMarginalsScore(law: Float64Array, D: number, symbols = 10): { accuracy: number; kl_nats: number } {
  const marg = Array.from({ length: D }, () => new Float64Array(symbols));
  law.forEach((q, idx) => {
    for (let j = D - 1, r = idx; j >= 0; j--, r = Math.floor(r / symbols)) marg[j]![r % symbols] += q;
  });
  const prod = (idx: number): number => {
    let p = 1;
    for (let j = D - 1, r = idx; j >= 0; j--, r = Math.floor(r / symbols)) p *= marg[j]![r % symbols]!;
    return p;
  };
  let accuracy = 0;
  let kl = 0;
  law.forEach((q, idx) => {
    if (q <= 0) return;
    accuracy += prod(idx);
    kl += q * Math.log(q / prod(idx));
  });
  return { accuracy, kl_nats: kl };
}

/** Options of evaluateCoupled. */
export interface CoupledEvalOptions {
  /** Record length D. */
  length: number;
  law: Float64Array;
  /** Steps per record (network calls; block-wise models: steps per block). */
  steps: number;
  /** Samples drawn (default 100,000), in batches of 10,000. */
  n?: number;
  seed: number;
  schedule: Schedule;
  /** Revealed values: drawn from μ (default) or argmax. */
  decode?: "sample" | "argmax";
  /** A latent model's z: held per sequence (default) or redrawn every step. */
  latent?: "fixed" | "per-step";
}

/** A CoupledScore with the logical network calls per record: the loop's count (T, + 1 for a final fill), summed over blocks. */
export type CoupledRun = CoupledScore & { nfe_per_record: number };

/**
 * Draws n records with the policy and scores them: from a Denoiser by the loop over the whole record, or from a built
 * model by its own generator where it has one (block-wise methods: steps per block, the batch's records together).
 */
export function evaluateCoupled(source: Denoiser | Pick<MethodModel, "denoiser" | "generate">, policy: SamplerPolicy, o: CoupledEvalOptions): CoupledRun {
  const model = "predict" in source ? { denoiser: () => source } : source;
  const n = o.n ?? 100_000;
  const rng = new Rng(o.seed);
  const counts = new Float64Array(o.law.length);
  let calls = 0;
  for (let done = 0; done < n; ) {
    const batch = Math.min(10_000, n - done);
    const r = generate(model, policy, { batch, length: o.length, steps: o.steps, schedule: o.schedule, rng, decode: o.decode, latent: o.latent, together: true });
    r.sequences.forEach((s) => counts[recordIndex(s, 0, o.length, 10)]!++);
    calls += batch * r.stats.nfe; // generated together: the counters are per record
    done += batch;
  }
  return { ...scoreHistogram(counts, o.law), nfe_per_record: calls / n };
}
