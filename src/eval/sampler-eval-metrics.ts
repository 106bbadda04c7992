/**
 * Sample-quality statistics against a known distribution: empirical unigram entropy, smoothed
 * trigram statistics and both KL directions, mean with standard error. All in nats.
 */

/** Mean and standard error (sample sd / √n; NaN for n < 2) of a list of numbers. */
export function meanStderr(xs: ArrayLike<number>): { mean: number; stderr: number } {
  const n = xs.length;
  if (n === 0) throw new Error("meanStderr: no values");
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i]! - mean) ** 2;
  return { mean, stderr: n < 2 ? NaN : Math.sqrt(ss / (n - 1) / n) };
}

/** Throws unless every id of every sequence is an integer in 0..K−1. */
function checkIds(seqs: readonly ArrayLike<number>[], K: number, where: string): void {
  seqs.forEach((s, b) => {
    for (let i = 0; i < s.length; i++) {
      const x = s[i]!;
      if (!Number.isInteger(x) || x < 0 || x >= K) throw new Error(`${where}: id ${x} at position ${i} of sequence ${b} is outside 0..${K - 1}`);
    }
  });
}

/** Shannon entropy (nats) of the empirical distribution of counts (0·log 0 = 0). */
export function countsEntropy(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (!(total > 0)) throw new Error("countsEntropy: no counts");
  let h = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) h -= (counts[i]! / total) * Math.log(counts[i]! / total);
  return h;
}

/** Entropy (nats) of the unigram distribution of all tokens of all sequences pooled. */
export function unigramEntropy(seqs: readonly ArrayLike<number>[], K: number): number {
  checkIds(seqs, K, "unigramEntropy");
  const c = new Float64Array(K);
  for (const s of seqs) for (let i = 0; i < s.length; i++) c[s[i]!]!++;
  return countsEntropy(c);
}

/** Each sequence's own unigram entropy (nats). */
export function sequenceEntropies(seqs: readonly ArrayLike<number>[], K: number): number[] {
  checkIds(seqs, K, "perSequenceEntropy");
  return seqs.map((s) => {
    const c = new Float64Array(K);
    for (let i = 0; i < s.length; i++) c[s[i]!]!++;
    return countsEntropy(c);
  });
}

/** Mean over sequences of each sequence's own unigram entropy (nats): ReMDM's "entropy" metric (§6.1). */
export function perSequenceEntropy(seqs: readonly ArrayLike<number>[], K: number): number {
  if (seqs.length === 0) throw new Error("perSequenceEntropy: no sequences");
  return meanStderr(sequenceEntropies(seqs, K)).mean;
}

/** Counts of the overlapping trigrams inside each sequence, index a·K² + b·K + c. */
export function trigramCounts(seqs: readonly ArrayLike<number>[], K: number): Float64Array {
  checkIds(seqs, K, "trigramCounts");
  const c = new Float64Array(K * K * K);
  for (const s of seqs) for (let i = 2; i < s.length; i++) c[(s[i - 2]! * K + s[i - 1]!) * K + s[i]!]!++;
  return c;
}

/** Additive smoothing: (c_i + alpha)/(Σc + alpha·n); alpha > 0 keeps every entry positive. */
export function smoothed(counts: ArrayLike<number>, alpha: number): Float64Array {
  if (!(alpha > 0 && Number.isFinite(alpha))) throw new Error(`smoothed: alpha must be a finite number > 0, got ${alpha}`);
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const denom = total + alpha * counts.length;
  return Float64Array.from(counts, (c) => (c + alpha) / denom);
}

/** KL(p‖q) = Σ p log(p/q) in nats; Infinity where q = 0 < p; throws on different lengths. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new Error(`klDivergence: lengths differ (${p.length} vs ${q.length})`);
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i]! <= 0) continue;
    if (q[i]! <= 0) return Infinity;
    kl += p[i]! * Math.log(p[i]! / q[i]!);
  }
  return kl;
}

/** Both KL directions between a true trigram distribution and add-alpha smoothed sample trigram counts. */
export function trigramKl(pTrue: ArrayLike<number>, counts: ArrayLike<number>, alpha: number): { trueModel: number; modelTrue: number; sum: number } {
  const q = smoothed(counts, alpha);
  const trueModel = klDivergence(pTrue, q);
  const modelTrue = klDivergence(q, pTrue);
  return { trueModel, modelTrue, sum: trueModel + modelTrue };
}
