/**
 * The exact oracle: a first-order Markov chain over K symbols with known stationary distribution,
 * entropy rate and sequence likelihoods. All entropies and log-likelihoods are in nats unless named *Bits.
 */
import { Rng } from "../engine/rng.js";
import { symmetricDirichlet } from "./gamma.js";

/** Options of MarkovChain.random. */
export interface RandomChainOptions {
  /** Number of symbols K (default 8). */
  K?: number;
  /** Dirichlet concentration of each transition row (default 0.3: sparse-ish rows). */
  concentration?: number;
}

/** −Σ p log p in nats, with 0·log 0 = 0. */
function entropyNats(p: ArrayLike<number>, from = 0, to = p.length): number {
  let h = 0;
  for (let j = from; j < to; j++) if (p[j]! > 0) h -= p[j]! * Math.log(p[j]!);
  return h;
}

/**
 * The stationary distribution π = πP by power iteration on the lazy chain (I + P)/2 (same π, never
 * periodic), until the L1 change is below tol; throws if maxIter is reached.
 */
export function stationaryDistribution(P: Float64Array, K: number, tol = 1e-14, maxIter = 1_000_000): Float64Array {
  let pi = new Float64Array(K).fill(1 / K);
  for (let it = 0; it < maxIter; it++) {
    const next = new Float64Array(K);
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) next[j]! += pi[i]! * P[i * K + j]!;
    let sum = 0;
    for (let j = 0; j < K; j++) sum += next[j] = 0.5 * (pi[j]! + next[j]!);
    let change = 0;
    for (let j = 0; j < K; j++) {
      next[j]! /= sum;
      change += Math.abs(next[j]! - pi[j]!);
    }
    pi = next;
    if (change < tol) return pi;
  }
  throw new Error(`stationaryDistribution: no convergence to ${tol} in ${maxIter} iterations (is the chain reducible?)`);
}

/** A Markov chain over symbols 0..K−1 with row-stochastic transition matrix P (row-major K×K). */
export class MarkovChain {
  /** Stationary distribution π (πP = π). */
  readonly pi: Float64Array;
  private readonly cumulative: Float64Array;

  /** A chain from a row-major K×K matrix; throws unless every row is non-negative and sums to 1 (±1e-9). */
  constructor(
    readonly K: number,
    readonly P: Float64Array,
  ) {
    if (!Number.isSafeInteger(K) || K < 2 || K > 255) throw new Error(`MarkovChain: K must be an integer in 2..255, got ${K}`);
    if (P.length !== K * K) throw new Error(`MarkovChain: P has ${P.length} entries; expected K·K = ${K * K}`);
    for (let i = 0; i < K; i++) {
      const row = P.subarray(i * K, (i + 1) * K);
      const s = row.reduce((a, b) => a + b, 0);
      if (!row.every((x) => x >= 0 && Number.isFinite(x)) || Math.abs(s - 1) > 1e-9) {
        throw new Error(`MarkovChain: row ${i} of P must be non-negative and sum to 1, got [${Array.from(row).join(", ")}] (sum ${s})`);
      }
    }
    this.pi = stationaryDistribution(P, K);
    this.cumulative = new Float64Array(K * K);
    for (let i = 0; i < K; i++) {
      let c = 0;
      for (let j = 0; j < K; j++) this.cumulative[i * K + j] = c += P[i * K + j]!;
    }
  }

  /** A chain whose rows are drawn from a symmetric Dirichlet with the given Rng. */
  static random(rng: Rng, opts: RandomChainOptions = {}): MarkovChain {
    const K = opts.K ?? 8;
    const alpha = opts.concentration ?? 0.3;
    const P = new Float64Array(K * K);
    for (let i = 0; i < K; i++) P.set(symmetricDirichlet(rng, K, alpha), i * K);
    return new MarkovChain(K, P);
  }

  /** Transition probability P(j | i). */
  p(i: number, j: number): number {
    return this.P[i * this.K + j]!;
  }

  /** Entropy of π in nats. */
  stationaryEntropy(): number {
    return entropyNats(this.pi);
  }

  /** Entropy rate H = −Σ_i π_i Σ_j P_ij log P_ij in nats per symbol. */
  entropyRate(): number {
    let h = 0;
    for (let i = 0; i < this.K; i++) h += this.pi[i]! * entropyNats(this.P, i * this.K, (i + 1) * this.K);
    return h;
  }

  /** Entropy rate in bits per symbol. */
  entropyRateBits(): number {
    return this.entropyRate() / Math.LN2;
  }

  /** Exact entropy in nats of a stationary length-L window: H(π) + (L − 1)·H. */
  exactSequenceEntropy(L: number): number {
    if (!Number.isSafeInteger(L) || L < 1) throw new Error(`exactSequenceEntropy: L must be a positive integer, got ${L}`);
    return this.stationaryEntropy() + (L - 1) * this.entropyRate();
  }

  /** log p(seq) in nats, first symbol from π (−Infinity for an impossible transition); throws on ids outside 0..K−1. */
  logLikelihood(seq: ArrayLike<number>): number {
    let ll = 0;
    for (let t = 0; t < seq.length; t++) {
      const s = seq[t]!;
      if (!Number.isInteger(s) || s < 0 || s >= this.K) throw new Error(`logLikelihood: symbol ${s} at index ${t} is outside 0..${this.K - 1}`);
      ll += Math.log(t === 0 ? this.pi[s]! : this.p(seq[t - 1]!, s));
    }
    return ll;
  }

  /** n symbols from the stationary chain: the first from π, then transitions, all drawn from rng. */
  sample(n: number, rng: Rng): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`sample: n must be a non-negative integer, got ${n}`);
    const out = new Uint8Array(n);
    const cumPi = new Float64Array(this.K);
    let c = 0;
    for (let j = 0; j < this.K; j++) cumPi[j] = c += this.pi[j]!;
    for (let t = 0; t < n; t++) {
      const u = rng.next();
      const cum = t === 0 ? cumPi : this.cumulative.subarray(out[t - 1]! * this.K, (out[t - 1]! + 1) * this.K);
      let j = 0;
      while (j < this.K - 1 && u >= cum[j]!) j++;
      // Skip zero-probability symbols that rounding at the top of the CDF could select.
      while (j > 0 && cum[j]! === cum[j - 1]!) j--;
      out[t] = j;
    }
    return out;
  }
}

/** A seeded random chain: MarkovChain.random(new Rng(seed), opts). */
export function randomMarkovChain(seed: number, opts: RandomChainOptions = {}): MarkovChain {
  return MarkovChain.random(new Rng(seed), opts);
}
