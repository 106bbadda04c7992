/**
 * Standard errors of the sample-set statistics that are not means of per-sequence values: the trigram KL by a seeded
 * bootstrap over sequences (resampled with replacement, the KL recomputed per replicate).
 */
import { Rng } from "../engine/rng.js";
import { trigramCounts, trigramKl } from "./sampler-eval-metrics.js";

/** Bootstrap replicates of the trigram-KL standard error. */
export const TRIGRAM_KL_BOOTSTRAP = 100;

/**
 * The bootstrap standard error (sd over `reps` replicates) of the two-way trigram KL of seqs against pTrue [K³],
 * the replicates drawn from Rng(seed); NaN for fewer than two sequences.
 */
export function trigramKlStderr(seqs: readonly ArrayLike<number>[], pTrue: ArrayLike<number>, K: number, alpha: number, seed: number, reps = TRIGRAM_KL_BOOTSTRAP): number {
  if (seqs.length < 2) return NaN;
  const rng = new Rng(seed);
  const kls: number[] = [];
  for (let r = 0; r < reps; r++) {
    const pick = Array.from({ length: seqs.length }, () => seqs[rng.int(seqs.length)]!);
    kls.push(trigramKl(pTrue, trigramCounts(pick, K), alpha).sum);
  }
  const mean = kls.reduce((a, x) => a + x, 0) / reps;
  return Math.sqrt(kls.reduce((a, x) => a + (x - mean) ** 2, 0) / (reps - 1));
}
