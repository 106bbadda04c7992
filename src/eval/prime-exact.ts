/**
 * Exact MDM-Prime objectives by enumerating every digit mask pattern (ALGORITHMS §3.7), for tiny problems
 * and a time-agnostic model; independent of any network.
 */
import type { Schedule } from "../diffusion/schedule.js";
import { gridPoint, type GridKind } from "../diffusion/samplers/grid.js";
import type { DigitCodec } from "../methods/prime/digits.js";
import type { JointDistribution } from "./exact.js";

/** A time-agnostic Prime model: one state of L·ℓ digits (mask = base) → [L·C] per-token restricted joints (rows sum to 1). */
export type PrimeModel = (digits: Int32Array) => Float64Array;

/** The two continuous-time objectives of one sequence. */
export interface PrimeObjectives {
  /** L_joint: ∫ w(t)·E[Σ_i −log p(x^i | y_t)] dt (§3.7a, what the official code reports). */
  joint: number;
  /** L_marg: ∫ w(t)·E[Σ_i Σ_{masked j} −log P(y_0^{ij} | y_t)] dt (§3.7b, a valid bound). */
  marginal: number;
}

const MAX_SUBTOKENS = 16;

/** Number of set bits. */
function popcount(M: number): number {
  let c = 0;
  for (; M; M &= M - 1) c++;
  return c;
}

/** Binomial coefficient n choose k. */
function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * ∫_0^1 w(t)·(1 − α)^k·α^(n−k) dt for 1 ≤ k ≤ n = B(k, n − k + 1) = 1/(k·C(n, k)): with u = 1 − α, w dt = du/u,
 * so the value is the same for every schedule with α(0) = 1 and α(1) = 0 (schedule invariance); for the
 * linear schedule it is the Beta integral ∫ t^(k−1)(1 − t)^(n−k) dt.
 */
export function patternWeight(k: number, n: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 1 || k > n) throw new Error(`patternWeight needs integers 1 ≤ k ≤ n, got k = ${k}, n = ${n}`);
  return 1 / (k * binomial(n, k));
}

/** y0 with the sub-tokens in bit set M masked (bit q ↔ position q of the L·ℓ layout). */
function maskedState(y0: Int32Array, M: number, mask: number): Int32Array {
  return y0.map((d, q) => (M & (1 << q) ? mask : d));
}

/** P(digits of token i in bit set S (over its ℓ digits) equal their values in y0) under row i of the model output. */
function subsetProbability(p: Float64Array, i: number, S: number, y0: Int32Array, codec: DigitCodec): number {
  const { classes: C, ell, digitTable } = codec;
  let total = 0;
  for (let c = 0; c < C; c++) {
    let match = true;
    for (let j = 0; j < ell && match; j++) if (S & (1 << j) && digitTable[j * C + c] !== y0[i * ell + j]) match = false;
    if (match) total += p[i * C + c]!;
  }
  return total;
}

/** Digits of x, checking that the enumeration stays small. */
function encodeSmall(codec: DigitCodec, x: Int32Array): Int32Array {
  const y0 = codec.encode(x);
  if (y0.length > MAX_SUBTOKENS) throw new Error(`exact enumeration needs at most ${MAX_SUBTOKENS} sub-tokens, got L·ℓ = ${y0.length}`);
  return y0;
}

/** The perfect model of a joint over C^L sequences: p(x^i = c | y) ∝ Σ of p(x) over sequences whose digits agree with every visible digit of y. */
export function truePosteriorModel(joint: JointDistribution, codec: DigitCodec): PrimeModel {
  const { V: C, L, probs } = joint;
  if (C !== codec.classes) throw new Error(`joint has ${C} classes but the codec ${codec.classes}`);
  const { ell, digitTable, maskDigit } = codec;
  return (y) => {
    if (y.length !== L * ell) throw new Error(`expected ${L * ell} digits, got ${y.length}`);
    const out = new Float64Array(L * C);
    const x = new Int32Array(L);
    probs.forEach((pr, n) => {
      for (let i = L - 1, r = n; i >= 0; i--, r = Math.floor(r / C)) x[i] = r % C;
      for (let q = 0; q < y.length; q++) {
        const d = y[q]!;
        if (d !== maskDigit && digitTable[(q % ell) * C + x[Math.floor(q / ell)]!] !== d) return;
      }
      for (let i = 0; i < L; i++) out[i * C + x[i]!] += pr;
    });
    const z = out.subarray(0, C).reduce((a, b) => a + b, 0);
    if (!(z > 0)) throw new Error(`digit state [${y.join(",")}] has probability 0 under the joint`);
    return out.map((v) => v / z); // every row has the same total: the probability of y
  };
}

/** L_joint and L_marg of one sequence x, enumerating all 2^(L·ℓ) digit mask patterns with weight patternWeight(|M|, L·ℓ). */
export function primeObjectives(model: PrimeModel, codec: DigitCodec, x: Int32Array): PrimeObjectives {
  const y0 = encodeSmall(codec, x);
  const { classes: C, ell } = codec;
  const n = y0.length;
  let joint = 0;
  let marginal = 0;
  for (let M = 1; M < 1 << n; M++) {
    const p = model(maskedState(y0, M, codec.maskDigit));
    let ceJoint = 0;
    let ceMarg = 0;
    for (let i = 0; i < x.length; i++) {
      ceJoint -= Math.log(p[i * C + x[i]!]!);
      for (let j = 0; j < ell; j++) if (M & (1 << (i * ell + j))) ceMarg -= Math.log(subsetProbability(p, i, 1 << j, y0, codec));
    }
    const w = patternWeight(popcount(M), n);
    joint += w * ceJoint;
    marginal += w * ceMarg;
  }
  return { joint, marginal };
}

/**
 * The exact T-step bound of the Prime sampler for one sequence: Σ_k E_{y_{t_k}}[Σ_i E_S[−log P(y_0^{i,S} | y_{t_k})]],
 * S each masked digit of token i independently with δ_k = (α(s_k) − α(t_k))/(1 − α(t_k)); needs α(1) = 0 and α(0) = 1.
 */
export function primeStepBound(model: PrimeModel, codec: DigitCodec, x: Int32Array, schedule: Schedule, T: number, grid: GridKind = "uniform"): number {
  const y0 = encodeSmall(codec, x);
  const { ell } = codec;
  const n = y0.length;
  const patterns = Array.from({ length: 1 << n }, (_, M) => (M === 0 ? null : model(maskedState(y0, M, codec.maskDigit))));
  let total = 0;
  for (let k = 0; k < T; k++) {
    const { t, s } = gridPoint(k, T, grid);
    const m = schedule.maskProb(t);
    const a = schedule.alpha(t);
    const delta = (m - schedule.maskProb(s)) / m;
    for (let M = 1; M < 1 << n; M++) {
      const masked = popcount(M);
      const pM = m ** masked * a ** (n - masked);
      if (pM === 0) continue; // unreachable pattern; its cross-entropy may be infinite
      const p = patterns[M]!;
      for (let i = 0; i < x.length; i++) {
        const Mi = (M >> (i * ell)) & ((1 << ell) - 1);
        const free = popcount(Mi);
        for (let S = Mi; S > 0; S = (S - 1) & Mi) {
          const size = popcount(S);
          total -= pM * delta ** size * (1 - delta) ** (free - size) * Math.log(subsetProbability(p, i, S, y0, codec));
        }
      }
    }
  }
  return total;
}
