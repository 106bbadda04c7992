/** Scores a set of sampled sequences against an HMM oracle: exact oracle NLL, unigram entropies, trigram KL. */
import { meanStderr, sequenceEntropies, trigramCounts, trigramKl, unigramEntropy } from "./sampler-eval-metrics.js";
import { trigramKlStderr } from "./sampler-eval-stderr.js";
import type { OracleReference } from "./sampler-eval-oracle.js";

/** Default add-alpha pseudo-count per trigram cell of the sample statistics. */
export const DEFAULT_TRIGRAM_ALPHA = 0.01;

/** Quality statistics of one set of samples (nats). */
export interface SampleScores {
  /** Mean over samples of −log p_true(x)/L (exact forward algorithm). */
  oracle_nll: number;
  /** Its standard error across samples. */
  oracle_nll_stderr: number;
  /** Entropy of the unigram distribution of all sampled tokens pooled. */
  unigram_entropy: number;
  /** Mean of each sample's own unigram entropy (ReMDM's per-sample entropy). */
  sample_entropy: number;
  /** Its standard error across samples. */
  sample_entropy_stderr: number;
  /** trigram_kl_true_model + trigram_kl_model_true. */
  trigram_kl: number;
  /** Its bootstrap standard error over the samples (sampler-eval-stderr.ts). */
  trigram_kl_stderr: number;
  /** KL(true trigrams ‖ smoothed sample trigrams). */
  trigram_kl_true_model: number;
  /** KL(smoothed sample trigrams ‖ true trigrams). */
  trigram_kl_model_true: number;
}

/** Scores sequences (each of length oracle.length) against the oracle; alpha smooths the sample trigrams; seed draws the bootstrap. */
export function scoreSamples(seqs: readonly ArrayLike<number>[], oracle: OracleReference, alpha = DEFAULT_TRIGRAM_ALPHA, seed = 0): SampleScores {
  const { hmm, length: L } = oracle;
  if (seqs.length === 0) throw new Error("scoreSamples: no samples");
  seqs.forEach((s, b) => {
    if (s.length !== L) throw new Error(`scoreSamples: sample ${b} has length ${s.length}, expected ${L}`);
  });
  const nll = meanStderr(seqs.map((s) => -hmm.logLikelihood(s) / L));
  const kl = trigramKl(oracle.trigram, trigramCounts(seqs, hmm.K), alpha);
  const entropy = meanStderr(sequenceEntropies(seqs, hmm.K));
  return {
    oracle_nll: nll.mean,
    oracle_nll_stderr: nll.stderr,
    unigram_entropy: unigramEntropy(seqs, hmm.K),
    sample_entropy: entropy.mean,
    sample_entropy_stderr: entropy.stderr,
    trigram_kl: kl.sum,
    trigram_kl_stderr: trigramKlStderr(seqs, oracle.trigram, hmm.K, alpha, seed),
    trigram_kl_true_model: kl.trueModel,
    trigram_kl_model_true: kl.modelTrue,
  };
}
