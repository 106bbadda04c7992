/**
 * Exact stationary n-gram statistics of an HMM by the forward recursion over every prefix (no
 * sampling): P(x_1..x_n) = start·B_{x_1}·A·B_{x_2}·…·A·B_{x_n}·1 with B_x = diag(E[:, x]).
 */
import type { HiddenMarkovModel } from "./hmm.js";

/**
 * Depth-first walk over all K^k prefixes, k = 1..maxLen, of the process started from hidden
 * distribution `start`; visit(k, index, p) gets each prefix's probability, index = Σ x_i·K^(k−i).
 */
export function visitPrefixes(
  hmm: HiddenMarkovModel,
  start: Float64Array,
  maxLen: number,
  visit: (k: number, index: number, p: number) => void,
): void {
  const { H, K, A, E } = hmm;
  if (!Number.isSafeInteger(maxLen) || maxLen < 1) throw new Error(`visitPrefixes: maxLen must be a positive integer, got ${maxLen}`);
  if (start.length !== H) throw new Error(`visitPrefixes: start has ${start.length} entries; expected H = ${H}`);
  // Level k holds the hidden distribution entering step k+1 (prior[k], before emission) and the
  // forward vector after emitting the k-th symbol (alpha[k]), both unnormalised.
  const prior = Array.from({ length: maxLen }, () => new Float64Array(H));
  const alpha = Array.from({ length: maxLen + 1 }, () => new Float64Array(H));
  prior[0]!.set(start);
  const walk = (k: number, index: number): void => {
    const pr = prior[k]!;
    const a = alpha[k + 1]!;
    for (let x = 0; x < K; x++) {
      let p = 0;
      for (let h = 0; h < H; h++) p += a[h] = pr[h]! * E[h * K + x]!;
      const idx = index * K + x;
      visit(k + 1, idx, p);
      if (k + 1 < maxLen) {
        const nx = prior[k + 1]!;
        nx.fill(0);
        for (let i = 0; i < H; i++) {
          const ai = a[i]!;
          if (ai === 0) continue;
          for (let j = 0; j < H; j++) nx[j]! += ai * A[i * H + j]!;
        }
        walk(k + 1, idx);
      }
    }
  };
  walk(0, 0);
}

/** Exact stationary P(x_1..x_n) for all K^n strings, index Σ x_i·K^(n−i) (first symbol most significant). */
export function ngramProbabilities(hmm: HiddenMarkovModel, n: number): Float64Array {
  if (!Number.isSafeInteger(n) || n < 1 || hmm.K ** n > 2 ** 26) {
    throw new Error(`ngramProbabilities: n must be a positive integer with K^n ≤ 2^26, got n = ${n} (K = ${hmm.K})`);
  }
  const out = new Float64Array(hmm.K ** n);
  visitPrefixes(hmm, hmm.pi, n, (k, i, p) => {
    if (k === n) out[i] = p;
  });
  return out;
}

/** Block entropies H(X_1..X_k) in nats for k = 1..maxLen (entry k−1), the process started from `start`. */
export function blockEntropies(hmm: HiddenMarkovModel, start: Float64Array, maxLen: number): Float64Array {
  const h = new Float64Array(maxLen);
  visitPrefixes(hmm, start, maxLen, (k, _i, p) => {
    if (p > 0) h[k - 1]! -= p * Math.log(p);
  });
  return h;
}
