/** Statistics of generated text that need no reference model: per-sequence unigram entropy and n-gram repetition rates. */
import { perSequenceEntropy } from "./sampler-eval-metrics.js";

/**
 * rep-n: the fraction of a sequence's n-grams that repeat an n-gram seen earlier in the same sequence,
 * 1 − distinct/total, averaged over the sequences that have at least one n-gram (0 = no repetition).
 */
export function repetitionRate(seqs: readonly ArrayLike<number>[], n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`repetitionRate: n must be a positive integer, got ${n}`);
  let sum = 0;
  let counted = 0;
  for (const s of seqs) {
    const total = s.length - n + 1;
    if (total < 1) continue;
    const seen = new Set<string>();
    for (let i = 0; i < total; i++) seen.add(Array.prototype.slice.call(s, i, i + n).join(","));
    sum += 1 - seen.size / total;
    counted++;
  }
  if (counted === 0) throw new Error(`repetitionRate: no sequence has ${n} tokens`);
  return sum / counted;
}

/** What `sample --stats` reports. */
export interface SampleStatistics {
  /** Mean over sequences of each one's own unigram entropy, nats (ReMDM's "entropy"). */
  entropy: number;
  /** rep-1 … rep-4 (see repetitionRate). */
  repetition: { rep1: number; rep2: number; rep3: number; rep4: number };
}

/** Entropy and repetition rates of sequences over K classes. */
export function sampleStatistics(seqs: readonly ArrayLike<number>[], K: number): SampleStatistics {
  const rep = (n: number) => repetitionRate(seqs, n);
  return { entropy: perSequenceEntropy(seqs, K), repetition: { rep1: rep(1), rep2: rep(2), rep3: rep(3), rep4: rep(4) } };
}
