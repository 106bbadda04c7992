/** Exact NELBOs by enumeration of every mask pattern, for tiny problems (L ≤ 3, V ≤ 3) and any Denoiser. */
import { predictLogProbs, type Denoiser, type States } from "../diffusion/denoiser.js";
import { discreteCoefficient } from "../diffusion/losses/discrete.js";
import { reconstructionTerm } from "../diffusion/losses/continuous.js";
import { popcount } from "../diffusion/losses/token-terms.js";
import type { Schedule } from "../diffusion/schedule.js";

/** A joint distribution over V^L sequences: probs[index(x)], index = Σ x_i V^(L−1−i). */
export interface JointDistribution {
  V: number;
  L: number;
  probs: Float64Array;
}

/** Options of exactContinuousNelbo. */
export interface ExactContinuousOptions {
  /** Lower end of the time integral (default 0), matching continuousNelbo's tMin. */
  tMin?: number;
  /** Gauss–Legendre points per panel (default 12). */
  nodes?: number;
  /** Number of dyadically graded panels toward tMin (default 50). */
  panels?: number;
}

const MAX_PATTERNS = 1 << 12;

/** n-point Gauss–Legendre nodes and weights on [−1, 1], by Newton iteration on P_n. */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * dp * dp);
  }
  return { nodes, weights };
}

/** ce[k·2^L + M] = Σ_{i ∈ M} −log μ(z_M, t_k)^i[x_i], z_M = x with the positions in bit set M masked. */
function patternCrossEntropies(denoiser: Denoiser, x: Int32Array, times: Float64Array): Float64Array {
  const L = x.length;
  if (denoiser.layout.positionsPerToken !== 1 || denoiser.layout.groupSize !== 1) throw new Error("exact enumeration over positions needs one position per token");
  const V = denoiser.layout.maskId;
  const P = 1 << L;
  if (P > MAX_PATTERNS) throw new Error(`exact enumeration needs a short sequence, got L = ${L}`);
  const states: States = { tokens: new Int32Array(times.length * P * L), batch: times.length * P, length: L };
  const t = new Float64Array(states.batch);
  for (let k = 0; k < times.length; k++) {
    for (let M = 0; M < P; M++) {
      const b = k * P + M;
      t[b] = times[k]!;
      for (let i = 0; i < L; i++) states.tokens[b * L + i] = M & (1 << i) ? V : x[i]!;
    }
  }
  const logMu = predictLogProbs(denoiser, states, t);
  const ce = new Float64Array(states.batch);
  for (let b = 0; b < states.batch; b++) {
    for (let i = 0; i < L; i++) if ((b % P) & (1 << i)) ce[b] -= logMu[(b * L + i) * V + x[i]!]!;
  }
  return ce;
}


/**
 * ∫_{tMin}^1 w(t)·E_{z~q(·|x,t)}[Σ_{masked i} −log μ(z, t)^i[x_i]] dt + reconstructionTerm. Using
 * w·(1 − α) = −α′, the integrand for a pattern with m ≥ 1 masked positions is
 * −α′·α^(L−m)·(1 − α)^(m−1)·CE_M(t), bounded wherever α′ is; composite Gauss–Legendre on panels
 * graded dyadically toward tMin handles integrable endpoint singularities of α′ (poly with k < 1).
 */
export function exactContinuousNelbo(denoiser: Denoiser, x: Int32Array, schedule: Schedule, opts: ExactContinuousOptions = {}): number {
  const a = opts.tMin ?? 0;
  const { nodes, weights } = gaussLegendre(opts.nodes ?? 12);
  const J = opts.panels ?? 50;
  const times: number[] = [];
  const quadWeights: number[] = [];
  for (let j = 0; j <= J; j++) {
    const hi = a + (1 - a) * 2 ** -j;
    const lo = j === J ? a : a + (1 - a) * 2 ** -(j + 1);
    nodes.forEach((xi, q) => {
      times.push(lo + ((hi - lo) * (xi + 1)) / 2);
      quadWeights.push(((hi - lo) / 2) * weights[q]!);
    });
  }
  const L = x.length;
  const P = 1 << L;
  const ce = patternCrossEntropies(denoiser, x, Float64Array.from(times));
  let total = 0;
  times.forEach((t, k) => {
    const al = schedule.alpha(t);
    const mp = schedule.maskProb(t);
    let s = 0;
    for (let M = 1; M < P; M++) {
      const m = popcount(M);
      s += al ** (L - m) * mp ** (m - 1) * ce[k * P + M]!;
    }
    total += quadWeights[k]! * -schedule.alphaPrime(t) * s;
  });
  return total + reconstructionTerm(schedule, L, denoiser.layout);
}

/**
 * Closed form for a time-agnostic denoiser and any schedule with α(0) = 1, α(1) = 0:
 * Σ_M CE_M·B(L − |M| + 1, |M|) (substituting u = α(t)), which shows the NELBO does not depend on the schedule.
 */
export function exactNelboTimeAgnostic(denoiser: Denoiser, x: Int32Array): number {
  if (denoiser.timeConditioned) throw new Error("exactNelboTimeAgnostic needs a time-agnostic denoiser");
  const L = x.length;
  const ce = patternCrossEntropies(denoiser, x, Float64Array.of(0.5)); // the time is ignored
  let total = 0;
  for (let M = 1; M < 1 << L; M++) {
    const m = popcount(M);
    total += ce[M]! * betaInt(L - m + 1, m);
  }
  return total;
}

/** B(a, b) = (a−1)!(b−1)!/(a+b−1)! for positive integers. */
function betaInt(a: number, b: number): number {
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  return (fact(a - 1) * fact(b - 1)) / fact(a + b - 1);
}

/** Σ_{k=1}^T c_k·E_{z~q(·|x,t_k)}[Σ_{masked i} −log μ(z, t_k)^i[x_i]] + reconstructionTerm, t_k = k/T, by enumeration. */
export function exactDiscreteNelbo(denoiser: Denoiser, x: Int32Array, schedule: Schedule, T: number): number {
  if (!Number.isInteger(T) || T < 1) throw new Error(`exactDiscreteNelbo: T must be a positive integer, got ${T}`);
  const L = x.length;
  const P = 1 << L;
  const times = Float64Array.from({ length: T }, (_, k) => (k + 1) / T);
  const ce = patternCrossEntropies(denoiser, x, times);
  let total = 0;
  times.forEach((t, k) => {
    const al = schedule.alpha(t);
    const mp = schedule.maskProb(t);
    let s = 0;
    for (let M = 1; M < P; M++) {
      const m = popcount(M);
      s += al ** (L - m) * mp ** m * ce[k * P + M]!;
    }
    total += discreteCoefficient(schedule, k / T, t) * s;
  });
  return total + reconstructionTerm(schedule, L, denoiser.layout);
}

/** E_{x~d}[f(x)] = Σ_x p(x)·f(x), skipping sequences of probability 0. */
export function expectationOverJoint(d: JointDistribution, f: (x: Int32Array) => number): number {
  let total = 0;
  d.probs.forEach((p, n) => {
    if (p === 0) return;
    const x = new Int32Array(d.L);
    for (let i = d.L - 1, r = n; i >= 0; i--, r = Math.floor(r / d.V)) x[i] = r % d.V;
    total += p * f(x);
  });
  return total;
}
