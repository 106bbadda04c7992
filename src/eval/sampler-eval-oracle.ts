/** What eval-samplers compares samples against: exact and estimated statistics of the true HMM for length-L windows. */
import { Rng } from "../engine/rng.js";
import type { HiddenMarkovModel } from "../data/hmm.js";
import { ngramProbabilities } from "../data/hmm-ngrams.js";
import { countsEntropy, meanStderr } from "./sampler-eval-metrics.js";

/** The reference statistics of an HMM oracle for samples of length L (nats per token). */
export interface OracleReference {
  /** The true model. */
  hmm: HiddenMarkovModel;
  /** Sample length L. */
  length: number;
  /** Entropy rate H (an estimate, passed in: the dataset's SMB value). */
  entropyRate: number;
  /** H(X_1..X_L)/L, the expected oracle NLL per token of perfect samples (Monte Carlo, with standard error). */
  windowEntropy: { mean: number; stderr: number };
  /** Exact stationary unigram entropy H(X_1). */
  unigramEntropy: number;
  /** Exact stationary trigram probabilities P(a, b, c), index a·K² + b·K + c. */
  trigram: Float64Array;
}

/** Options of oracleReference. */
export interface OracleReferenceOptions {
  /** Windows drawn for the window-entropy estimate (default 4096). */
  windows?: number;
  /** Seed of those windows (default 0). */
  seed?: number;
}

/** Computes the reference statistics: exact n-grams, and H(X_1..X_L)/L from seeded sampled windows. */
export function oracleReference(hmm: HiddenMarkovModel, length: number, entropyRate: number, opts: OracleReferenceOptions = {}): OracleReference {
  if (!Number.isSafeInteger(length) || length < 3) throw new Error(`oracleReference: length must be an integer ≥ 3 (trigrams), got ${length}`);
  const windows = opts.windows ?? 4096;
  if (!Number.isSafeInteger(windows) || windows < 2) throw new Error(`oracleReference: windows must be an integer ≥ 2, got ${windows}`);
  const rng = new Rng(opts.seed ?? 0);
  const nll = Float64Array.from({ length: windows }, () => -hmm.logLikelihood(hmm.sample(length, rng)) / length);
  return {
    hmm, length, entropyRate,
    windowEntropy: meanStderr(nll),
    unigramEntropy: countsEntropy(ngramProbabilities(hmm, 1)),
    trigram: ngramProbabilities(hmm, 3),
  };
}
