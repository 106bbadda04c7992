/**
 * The entropy rate H of an HMM's output process, which has no closed form. Two tools, in nats:
 *  - exact sandwich bounds (Cover & Thomas, Thm 4.5.1) by enumerating all K^n strings:
 *    H(X_n | X_1..X_{n−1}, S_1) ≤ H ≤ H(X_n | X_1..X_{n−1}), tightening as n grows;
 *  - a Shannon–McMillan–Breiman estimate −(1/N) log p(x_1..x_N) from the exact log-likelihood of
 *    one long sampled sequence, with a batch-means standard error. It is an estimate: its random
 *    error is the standard error, and its O(1/N) upward bias (early symbols have short histories)
 *    is negligible for N in the millions.
 */
import { Rng } from "../engine/rng.js";
import type { HiddenMarkovModel } from "./hmm.js";
import { blockEntropies } from "./hmm-ngrams.js";

/** Exact bounds of the entropy rate at one order n. */
export interface EntropyBounds {
  /** n: strings of length n were enumerated. */
  order: number;
  /** H(X_n | X_1..X_{n−1}, S_1) in nats. */
  lower: number;
  /** H(X_n | X_1..X_{n−1}) in nats: the cross-entropy of the best (n−1)-th order Markov model. */
  upper: number;
}

/** Exact sandwich bounds for orders 1..maxOrder (entry n−1); costs (H+1)·K^maxOrder forward steps. */
export function entropyRateBounds(hmm: HiddenMarkovModel, maxOrder: number): EntropyBounds[] {
  if (!Number.isSafeInteger(maxOrder) || maxOrder < 1 || hmm.K ** maxOrder > 2 ** 27) {
    throw new Error(`entropyRateBounds: maxOrder must be a positive integer with K^maxOrder ≤ 2^27, got ${maxOrder} (K = ${hmm.K})`);
  }
  const diff = (h: Float64Array, n: number): number => h[n - 1]! - (n > 1 ? h[n - 2]! : 0);
  const upper = blockEntropies(hmm, hmm.pi, maxOrder);
  const lower = new Float64Array(maxOrder);
  for (let s = 0; s < hmm.H; s++) {
    if (hmm.pi[s]! === 0) continue;
    const start = new Float64Array(hmm.H);
    start[s] = 1;
    const h = blockEntropies(hmm, start, maxOrder);
    for (let n = 1; n <= maxOrder; n++) lower[n - 1]! += hmm.pi[s]! * diff(h, n);
  }
  return Array.from({ length: maxOrder }, (_, i) => ({ order: i + 1, lower: lower[i]!, upper: diff(upper, i + 1) }));
}

/** Options of smbEntropyRate. */
export interface SmbOptions {
  /** Length N of the sampled sequence (default 2,000,000). */
  length?: number;
  /** Number of contiguous batches for the batch-means standard error (default 50). */
  batches?: number;
  /** Seed of the sample (default 0). */
  seed?: number;
}

/** A Shannon–McMillan–Breiman estimate of the entropy rate. */
export interface SmbEstimate {
  /** −(1/N) log p(x_1..x_N) in nats per symbol. */
  nats: number;
  /** Batch-means standard error of `nats`: sd of the batch means / √batches. */
  stderr: number;
  /** nats / ln 2. */
  bits: number;
  /** N. */
  length: number;
  /** Number of batches. */
  batches: number;
}

/** Estimates the entropy rate from the exact log-likelihood of one long seeded sample. */
export function smbEntropyRate(hmm: HiddenMarkovModel, opts: SmbOptions = {}): SmbEstimate {
  const N = opts.length ?? 2_000_000;
  const B = opts.batches ?? 50;
  if (!Number.isSafeInteger(B) || B < 2) throw new Error(`smbEntropyRate: batches must be an integer ≥ 2, got ${B}`);
  if (!Number.isSafeInteger(N) || N < B) throw new Error(`smbEntropyRate: length must be an integer ≥ batches (${B}), got ${N}`);
  const logp = hmm.conditionalLogProbs(hmm.sample(N, new Rng(opts.seed ?? 0)));
  const means = new Float64Array(B);
  let total = 0;
  for (let b = 0; b < B; b++) {
    const from = Math.floor((b * N) / B);
    const to = Math.floor(((b + 1) * N) / B);
    let s = 0;
    for (let t = from; t < to; t++) s -= logp[t]!;
    total += s;
    means[b] = s / (to - from);
  }
  const nats = total / N;
  const avg = means.reduce((a, x) => a + x, 0) / B;
  const sd = Math.sqrt(means.reduce((a, x) => a + (x - avg) ** 2, 0) / (B - 1));
  return { nats, stderr: sd / Math.sqrt(B), bits: nats / Math.LN2, length: N, batches: B };
}
