/**
 * Per-sequence cross-entropy terms of the masked-diffusion bounds, for any state layout (float64, JS).
 * logp: restricted log-probabilities [B·n·C]; state: the noisy state [B·n·ℓ]; clean: the clean state [B·n·ℓ].
 * At ℓ = 1 the joint and digit forms are both MD4's Σ_{masked i} −log μ^i[x_i], and stepKl(δ) = δ·that.
 */
import type { States } from "../denoiser.js";
import type { StateLayout } from "../state-layout.js";

/**
 * Per-sequence Σ over tokens with a masked position of cost(i, clean digits, M), M the bit set of the
 * token's masked positions and i its row in logp.
 */
function sumOverMaskedTokens(state: States, clean: States, layout: StateLayout, cost: (i: number, digits: Int32Array, M: number) => number): Float64Array {
  const { maskId, positionsPerToken: ell } = layout;
  const n = state.length / ell;
  const out = new Float64Array(state.batch);
  for (let b = 0; b < state.batch; b++) {
    for (let i = b * n; i < (b + 1) * n; i++) {
      let M = 0;
      for (let j = 0; j < ell; j++) if (state.tokens[i * ell + j] === maskId) M |= 1 << j;
      if (M !== 0) out[b] += cost(i, clean.tokens.subarray(i * ell, (i + 1) * ell), M);
    }
  }
  return out;
}

/** The class whose digits are `digits` (most significant first). */
function classOf(digits: Int32Array, layout: StateLayout): number {
  let c = 0;
  for (const d of digits) c = c * layout.symbols + d;
  return c;
}

/** Σ_{tokens with a masked position} −log p(x^i | y): MDM-Prime's joint (paper) form; MD4's cross-entropy at ℓ = 1. */
export function jointCrossEntropy(logp: Float64Array, state: States, clean: States, layout: StateLayout): Float64Array {
  const C = layout.classes;
  return sumOverMaskedTokens(state, clean, layout, (i, digits) => -logp[i * C + classOf(digits, layout)]!);
}

/** log Σ_{c : c agrees with the clean token on the digit set S (bit set over 0..ℓ−1)} p(c), for one token row. */
function logSubsetProb(logp: Float64Array, row: number, layout: StateLayout, cleanDigits: ArrayLike<number>, S: number): number {
  const { classes: C, positionsPerToken: ell, digitTable } = layout;
  if (ell === 1) return logp[row * C + cleanDigits[0]!]!;
  let s = 0;
  for (let c = 0; c < C; c++) {
    const lp = logp[row * C + c]!;
    if (lp === -Infinity) continue;
    let ok = true;
    for (let j = 0; j < ell && ok; j++) if (S & (1 << j)) ok = digitTable[j * C + c] === cleanDigits[j];
    if (ok) s += Math.exp(lp);
  }
  return Math.log(s);
}

/** Σ_i Σ_{masked j} −log P(y_0^{ij} | y): the certified per-digit form of §3.7(b); MD4's cross-entropy at ℓ = 1. */
export function digitCrossEntropy(logp: Float64Array, state: States, clean: States, layout: StateLayout): Float64Array {
  return sumOverMaskedTokens(state, clean, layout, (i, digits, M) => {
    let cost = 0;
    for (let j = 0; j < layout.positionsPerToken; j++) if (M & (1 << j)) cost -= logSubsetProb(logp, i, layout, digits, 1 << j);
    return cost;
  });
}

/**
 * Σ_i E_S[−log P(y_0^{i,S} | y)]: the exact KL of one reverse step that reveals each masked digit
 * independently with probability δ (S = the revealed set), summed over subsets S of the masked digits.
 */
export function stepKl(logp: Float64Array, state: States, clean: States, layout: StateLayout, delta: number): Float64Array {
  return sumOverMaskedTokens(state, clean, layout, (i, digits, M) => {
    const m = popcount(M);
    let cost = 0;
    for (let S = M; S > 0; S = (S - 1) & M) {
      const k = popcount(S);
      cost -= delta ** k * (1 - delta) ** (m - k) * logSubsetProb(logp, i, layout, digits, S);
    }
    return cost;
  });
}

/** Number of set bits. */
export function popcount(M: number): number {
  let c = 0;
  for (; M; M &= M - 1) c++;
  return c;
}
