/**
 * The exact HMM oracle: a hidden Markov model with H hidden states emitting K symbols. Sequence
 * likelihoods (scaled forward algorithm) and stationary n-gram probabilities are exact; the first
 * hidden state is drawn from the stationary distribution π of the hidden chain, so the output
 * process is stationary. All log-likelihoods are in nats.
 */
import { Rng } from "../engine/rng.js";
import { symmetricDirichlet } from "./gamma.js";
import { stationaryDistribution } from "./markov.js";

/** Options of HiddenMarkovModel.random. */
export interface RandomHmmOptions {
  /** Number of output symbols K (default 27: 'a'..'z' and space). */
  symbols?: number;
  /** Number of hidden states H (default 8). */
  hidden?: number;
  /** Self-transition probability of every hidden state, in [0, 1) (default 0.97). */
  stickiness?: number;
  /** Dirichlet concentration of each state's emission distribution (default 0.2: sparse). */
  concentration?: number;
  /** Fixed emission mass of the last symbol (the space, id 26) in every state, in [0, 1) (default 0.15; 0: none). */
  spaceMass?: number;
}

/** Throws unless rows×cols entries of m form rows that are non-negative and sum to 1 (±1e-9). */
function checkStochastic(m: Float64Array, rows: number, cols: number, what: string): void {
  if (m.length !== rows * cols) throw new Error(`HiddenMarkovModel: ${what} has ${m.length} entries; expected ${rows}·${cols} = ${rows * cols}`);
  for (let i = 0; i < rows; i++) {
    const row = m.subarray(i * cols, (i + 1) * cols);
    const s = row.reduce((a, b) => a + b, 0);
    if (!row.every((x) => x >= 0 && Number.isFinite(x)) || Math.abs(s - 1) > 1e-9) {
      throw new Error(`HiddenMarkovModel: row ${i} of ${what} must be non-negative and sum to 1, got sum ${s}`);
    }
  }
}

/** Index of u in a cumulative distribution, skipping zero-probability entries that rounding could select. */
function pick(cum: Float64Array, from: number, n: number, u: number): number {
  let j = 0;
  while (j < n - 1 && u >= cum[from + j]!) j++;
  while (j > 0 && cum[from + j]! === cum[from + j - 1]!) j--;
  return j;
}

/** Row-wise cumulative sums of a rows×cols matrix. */
function cumulativeRows(m: Float64Array, rows: number, cols: number): Float64Array {
  const c = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) c[i * cols + j] = s += m[i * cols + j]!;
  }
  return c;
}

/** A stationary HMM: transitions A (H×H, row-major), emissions E (H×K), first state from π = πA. */
export class HiddenMarkovModel {
  /** Stationary distribution of the hidden chain. */
  readonly pi: Float64Array;
  private readonly cumA: Float64Array;
  private readonly cumE: Float64Array;

  /** An HMM from row-stochastic A (H×H) and E (H×K); throws on malformed or reducible input. */
  constructor(
    readonly H: number,
    readonly K: number,
    readonly A: Float64Array,
    readonly E: Float64Array,
  ) {
    if (!Number.isSafeInteger(H) || H < 1 || H > 1024) throw new Error(`HiddenMarkovModel: H must be an integer in 1..1024, got ${H}`);
    if (!Number.isSafeInteger(K) || K < 2 || K > 255) throw new Error(`HiddenMarkovModel: K must be an integer in 2..255, got ${K}`);
    checkStochastic(A, H, H, "A");
    checkStochastic(E, H, K, "E");
    this.pi = H === 1 ? Float64Array.of(1) : stationaryDistribution(A, H);
    this.cumA = cumulativeRows(A, H, H);
    this.cumE = cumulativeRows(E, H, K);
  }

  /**
   * A random HMM: A[i,i] = stickiness and the rest of row i is (1 − stickiness)·Dirichlet(1) over
   * the other states; each emission row is spaceMass on symbol K−1 plus (1 − spaceMass)·
   * Dirichlet(concentration) over symbols 0..K−2 (over all K symbols when spaceMass = 0).
   */
  static random(rng: Rng, opts: RandomHmmOptions = {}): HiddenMarkovModel {
    const K = opts.symbols ?? 27;
    const H = opts.hidden ?? 8;
    const stick = opts.stickiness ?? 0.97;
    const conc = opts.concentration ?? 0.2;
    const space = opts.spaceMass ?? 0.15;
    if (!Number.isSafeInteger(H) || H < 1 || H > 1024) throw new Error(`HiddenMarkovModel.random: hidden must be an integer in 1..1024, got ${H}`);
    if (!(stick >= 0 && stick < 1)) throw new Error(`HiddenMarkovModel.random: stickiness must be in [0, 1), got ${stick}`);
    if (!(space >= 0 && space < 1)) throw new Error(`HiddenMarkovModel.random: spaceMass must be in [0, 1), got ${space}`);
    const A = new Float64Array(H * H);
    for (let i = 0; i < H; i++) {
      if (H === 1) A[0] = 1;
      else {
        const off = symmetricDirichlet(rng, H - 1, 1);
        for (let j = 0, o = 0; j < H; j++) A[i * H + j] = j === i ? stick : (1 - stick) * off[o++]!;
      }
    }
    const E = new Float64Array(H * K);
    const letters = space > 0 ? K - 1 : K;
    for (let h = 0; h < H; h++) {
      const d = symmetricDirichlet(rng, letters, conc);
      for (let x = 0; x < letters; x++) E[h * K + x] = (1 - space) * d[x]!;
      if (space > 0) E[h * K + K - 1] = space;
    }
    return new HiddenMarkovModel(H, K, A, E);
  }

  /** Emission probability P(x | state h). */
  e(h: number, x: number): number {
    return this.E[h * this.K + x]!;
  }

  /** Throws unless seq holds integer symbols in 0..K−1. */
  checkSequence(seq: ArrayLike<number>, where: string): void {
    for (let t = 0; t < seq.length; t++) {
      const s = seq[t]!;
      if (!Number.isInteger(s) || s < 0 || s >= this.K) throw new Error(`${where}: symbol ${s} at index ${t} is outside 0..${this.K - 1}`);
    }
  }

  /**
   * Scaled forward algorithm: out[t] = log P(x_t | x_1..x_{t−1}) (exact; −Infinity once the
   * sequence is impossible, and every later entry too).
   */
  conditionalLogProbs(seq: ArrayLike<number>): Float64Array {
    this.checkSequence(seq, "conditionalLogProbs");
    const { H, K, A, E } = this;
    const out = new Float64Array(seq.length);
    let alpha = Float64Array.from(this.pi);
    let next = new Float64Array(H);
    for (let t = 0; t < seq.length; t++) {
      const x = seq[t]!;
      let c = 0;
      for (let j = 0; j < H; j++) {
        let s = 0;
        if (t === 0) s = alpha[j]!;
        else for (let i = 0; i < H; i++) s += alpha[i]! * A[i * H + j]!;
        c += next[j] = s * E[j * K + x]!;
      }
      if (!(c > 0)) {
        out.fill(-Infinity, t);
        return out;
      }
      out[t] = Math.log(c);
      for (let j = 0; j < H; j++) next[j]! /= c;
      [alpha, next] = [next, alpha];
    }
    return out;
  }

  /** log p(seq) in nats, exact (scaled forward algorithm); −Infinity for an impossible sequence. */
  logLikelihood(seq: ArrayLike<number>): number {
    let ll = 0;
    for (const l of this.conditionalLogProbs(seq)) ll += l;
    return ll;
  }

  /** n symbols from the stationary HMM (first hidden state from π), with the hidden path; all draws from rng. */
  sampleWithStates(n: number, rng: Rng): { symbols: Uint8Array; states: Uint16Array } {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`sample: n must be a non-negative integer, got ${n}`);
    const { H, K } = this;
    const symbols = new Uint8Array(n);
    const states = new Uint16Array(n);
    const cumPi = cumulativeRows(this.pi, 1, H);
    let h = 0;
    for (let t = 0; t < n; t++) {
      h = t === 0 ? pick(cumPi, 0, H, rng.next()) : pick(this.cumA, h * H, H, rng.next());
      states[t] = h;
      symbols[t] = pick(this.cumE, h * K, K, rng.next());
    }
    return { symbols, states };
  }

  /** n symbols from the stationary HMM, all draws from rng. */
  sample(n: number, rng: Rng): Uint8Array {
    return this.sampleWithStates(n, rng).symbols;
  }
}

/** A seeded random HMM: HiddenMarkovModel.random(new Rng(seed), opts). */
export function randomHmm(seed: number, opts: RandomHmmOptions = {}): HiddenMarkovModel {
  return HiddenMarkovModel.random(new Rng(seed), opts);
}
