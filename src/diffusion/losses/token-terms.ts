/**
 * Per-sequence cross-entropy terms of the masked-diffusion bounds, for any state layout (float64, JS).
 * logp: restricted log-probabilities [B·n·C]; state: the noisy state [B·n·ℓ]; clean: the clean state [B·n·ℓ].
 * At ℓ = 1 the joint and digit forms are both MD4's Σ_{masked i} −log μ^i[x_i], and stepKl(δ) = δ·that.
 */
import type { States } from "../denoiser.js";
import type { StateLayout } from "../state-layout.js";

/** Σ_{tokens with a masked position} −log p(x^i | y): MDM-Prime's joint (paper) form; MD4's cross-entropy at ℓ = 1. */
export function jointCrossEntropy(logp: Float64Array, state: States, clean: States, layout: StateLayout): Float64Array {
  const { classes: C, maskId, positionsPerToken: ell } = layout;
  const n = state.length / ell;
  const out = new Float64Array(state.batch);
  for (let b = 0; b < state.batch; b++) {
    for (let i = b * n; i < (b + 1) * n; i++) {
      let masked = false;
      let c = 0;
      for (let j = 0; j < ell; j++) {
        masked ||= state.tokens[i * ell + j] === maskId;
        c = c * layout.symbols + clean.tokens[i * ell + j]!;
      }
      if (masked) out[b] -= logp[i * C + c]!;
    }
  }
  return out;
}

/** log Σ_{c : c agrees with the clean token on the digit set S (bit set over 0..ℓ−1)} p(c), for one token row. */
function logSubsetProb(logp: Float64Array, row: number, layout: StateLayout, cleanDigits: ArrayLike<number>, S: number): number {
  const { classes: C, positionsPerToken: ell, digitTable } = layout;
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
  const { classes: C, maskId, positionsPerToken: ell } = layout;
  const n = state.length / ell;
  const out = new Float64Array(state.batch);
  for (let b = 0; b < state.batch; b++) {
    for (let i = b * n; i < (b + 1) * n; i++) {
      const digits = clean.tokens.subarray(i * ell, (i + 1) * ell);
      for (let j = 0; j < ell; j++) {
        if (state.tokens[i * ell + j] !== maskId) continue;
        out[b] -= ell === 1 ? logp[i * C + digits[0]!]! : logSubsetProb(logp, i, layout, digits, 1 << j);
      }
    }
  }
  return out;
}

/**
 * Σ_i E_S[−log P(y_0^{i,S} | y)]: the exact KL of one reverse step that reveals each masked digit
 * independently with probability δ (S = the revealed set), summed over subsets S of the masked digits.
 */
export function stepKl(logp: Float64Array, state: States, clean: States, layout: StateLayout, delta: number): Float64Array {
  const { classes: C, maskId, positionsPerToken: ell } = layout;
  const n = state.length / ell;
  const out = new Float64Array(state.batch);
  for (let b = 0; b < state.batch; b++) {
    for (let i = b * n; i < (b + 1) * n; i++) {
      const digits = clean.tokens.subarray(i * ell, (i + 1) * ell);
      let M = 0;
      for (let j = 0; j < ell; j++) if (state.tokens[i * ell + j] === maskId) M |= 1 << j;
      if (M === 0) continue;
      if (ell === 1) {
        out[b] -= delta * logp[i * C + digits[0]!]!;
        continue;
      }
      const m = popcount(M);
      for (let S = M; S > 0; S = (S - 1) & M) {
        const k = popcount(S);
        out[b] -= delta ** k * (1 - delta) ** (m - k) * logSubsetProb(logp, i, layout, digits, S);
      }
    }
  }
  return out;
}

/** Number of set bits. */
export function popcount(M: number): number {
  let c = 0;
  for (; M; M &= M - 1) c++;
  return c;
}
