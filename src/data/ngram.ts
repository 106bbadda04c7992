/**
 * Add-α smoothed unigram and bigram baselines: cross-entropy (bits per token) of an eval stream under
 * counts fitted on a train stream. Unigram: p(v) = (c_v + α)/(N + αV). Bigram: p(b | a) =
 * (c_ab + α)/(c_a· + αV), with c_a· the number of train bigrams starting with a; it scores the n − 1
 * transitions of the eval stream (its first token is not scored).
 */

/** Options of the n-gram baselines. */
export interface NgramOptions {
  /** V; default 1 + the largest id in train or eval. */
  vocabSize?: number;
  /** Additive smoothing α (default 1: Laplace). */
  alpha?: number;
}

function resolve(train: Uint8Array, evalSet: Uint8Array, opts: NgramOptions, where: string): { V: number; alpha: number } {
  let maxId = -1;
  for (const s of [train, evalSet]) for (let i = 0; i < s.length; i++) if (s[i]! > maxId) maxId = s[i]!;
  const V = opts.vocabSize ?? maxId + 1;
  const alpha = opts.alpha ?? 1;
  if (!Number.isSafeInteger(V) || V <= 0 || maxId >= V) {
    throw new Error(`${where}: vocabSize ${V} must be a positive integer above every id (largest id seen: ${maxId})`);
  }
  if (!(alpha > 0)) throw new Error(`${where}: alpha must be > 0 so unseen symbols get probability, got ${alpha}`);
  return { V, alpha };
}

/** Cross-entropy in bits/token of evalSet under an add-α unigram model fitted on train. */
export function unigramCrossEntropy(train: Uint8Array, evalSet: Uint8Array, opts: NgramOptions = {}): number {
  const { V, alpha } = resolve(train, evalSet, opts, "unigramCrossEntropy");
  if (evalSet.length === 0) throw new Error("unigramCrossEntropy: eval stream is empty");
  const counts = new Float64Array(V);
  for (let i = 0; i < train.length; i++) counts[train[i]!]!++;
  const denom = train.length + alpha * V;
  let nll = 0;
  for (let i = 0; i < evalSet.length; i++) nll -= Math.log2((counts[evalSet[i]!]! + alpha) / denom);
  return nll / evalSet.length;
}

/** Cross-entropy in bits/token of evalSet's transitions under an add-α bigram model fitted on train. */
export function bigramCrossEntropy(train: Uint8Array, evalSet: Uint8Array, opts: NgramOptions = {}): number {
  const { V, alpha } = resolve(train, evalSet, opts, "bigramCrossEntropy");
  if (evalSet.length < 2) throw new Error(`bigramCrossEntropy: eval stream needs at least 2 tokens, got ${evalSet.length}`);
  const pair = new Float64Array(V * V);
  const from = new Float64Array(V);
  for (let i = 1; i < train.length; i++) {
    pair[train[i - 1]! * V + train[i]!]!++;
    from[train[i - 1]!]!++;
  }
  let nll = 0;
  for (let i = 1; i < evalSet.length; i++) {
    const a = evalSet[i - 1]!;
    nll -= Math.log2((pair[a * V + evalSet[i]!]! + alpha) / (from[a]! + alpha * V));
  }
  return nll / (evalSet.length - 1);
}
