/**
 * Exact references for per-class (GenMD4) schedules on tiny problems, written from the definitions with naive formulas
 * (α_v(t) = 1 − (1 − ε)t^{w_v} evaluated directly) and full enumeration of states — independent of the code under test.
 * States are Int32Arrays over {0..V}, V = MASK; μ is a time-agnostic table: softmax of logits(z) at masked positions.
 */
import { gaussLegendre } from "../../src/eval/exact.js";

/** A tiny per-class problem: V classes, L positions, exponents w, ε, and the network's logits [L·V] as a function of the state (and t). */
export interface ClassProblem {
  V: number;
  L: number;
  w: number[];
  eps: number;
  logits(z: Int32Array, t: number): Float64Array;
  /** Exponents of the masking distribution q(M | x, t) when they differ from w (frozen, to isolate the pathwise gradient). */
  wMask?: number[];
}

/** Deterministic pseudo-random logits [L·V] that depend on the whole state (not on t). */
export function hashedLogits(V: number, seed: number): (z: Int32Array) => Float64Array {
  return (z) => {
    const h = z.reduce((a, x, i) => a + (x + 1) * (i + 3) * 0.37, seed);
    return Float64Array.from({ length: z.length * V }, (_, k) => 1.3 * Math.sin(h * 2.1 + 1.7 * Math.floor(k / V) + 2.9 * (k % V) + seed));
  };
}

/** α_v(t), naive. */
export const alpha = (p: ClassProblem, v: number, t: number): number => 1 - (1 - p.eps) * t ** p.w[v]!;
/** 1 − α_v(t) = (1 − ε)t^{w_v}, written directly. */
export const maskProb = (p: ClassProblem, v: number, t: number): number => (1 - p.eps) * t ** p.w[v]!;
/** 1 − α_v(t) of the masking distribution (wMask, else w). */
const maskDistProb = (p: ClassProblem, v: number, t: number): number => (1 - p.eps) * t ** (p.wMask ?? p.w)[v]!;

/** μ_i(v) of state z at time t: softmax of the logits at masked positions (real classes only). */
export function mu(p: ClassProblem, z: Int32Array, t: number): number[][] {
  const lg = p.logits(z, t);
  return Array.from({ length: p.L }, (_, i) => {
    const row = Array.from({ length: p.V }, (_, v) => Math.exp(lg[i * p.V + v]!));
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((r) => r / s);
  });
}

/** Every mask pattern M (bit i = position i masked) with z_M. */
export function patterns(x: Int32Array, V: number): { M: number; z: Int32Array }[] {
  return Array.from({ length: 1 << x.length }, (_, M) => ({ M, z: x.map((xi, i) => (M & (1 << i) ? V : xi)) }));
}

/** q(M | x, t) under the per-class forward process. */
export function patternProb(p: ClassProblem, x: Int32Array, M: number, t: number): number {
  let q = 1;
  for (let i = 0; i < x.length; i++) q *= M & (1 << i) ? maskDistProb(p, x[i]!, t) : 1 - maskDistProb(p, x[i]!, t);
  return q;
}

/** r_v(s, t) = (α_v(s) − α_v(t))/(1 − α_v(t)), as (m_t − m_s)/m_t with m = 1 − α. */
const reveal = (p: ClassProblem, v: number, s: number, t: number): number => (maskProb(p, v, t) - maskProb(p, v, s)) / maskProb(p, v, t);

/** 1 − r_v(s, t) = m_s/m_t. */
const stays = (p: ClassProblem, v: number, s: number, t: number): number => maskProb(p, v, s) / maskProb(p, v, t);

/** Every state reachable in one reverse step from z (masked positions: MASK or any class), with the model's and q's probabilities. */
function nextStates(p: ClassProblem, z: Int32Array, x: Int32Array | null, s: number, t: number): { next: Int32Array; model: number; post: number }[] {
  const m = mu(p, z, t);
  const out: { next: Int32Array; model: number; post: number }[] = [];
  const masked = Array.from(z.keys()).filter((i) => z[i] === p.V);
  for (let code = 0; code < (p.V + 1) ** masked.length; code++) {
    const next = z.slice();
    let model = 1;
    let post = 1;
    masked.forEach((i, j) => {
      const v = Math.floor(code / (p.V + 1) ** j) % (p.V + 1);
      next[i] = v;
      if (v === p.V) {
        model *= m[i]!.reduce((a, mv, u) => a + mv * stays(p, u, s, t), 0);
        post *= x ? stays(p, x[i]!, s, t) : 1;
      } else {
        model *= m[i]![v]! * reveal(p, v, s, t);
        post *= x ? (v === x[i] ? reveal(p, v, s, t) : 0) : 1;
      }
    });
    out.push({ next, model, post });
  }
  return out;
}

/** KL(q(z_s | z_t, x) ‖ p(z_s | z_t)) by enumeration of the next states. */
export function stepKlEnumerated(p: ClassProblem, z: Int32Array, x: Int32Array, s: number, t: number): number {
  let kl = 0;
  for (const { model, post } of nextStates(p, z, x, s, t)) if (post > 0) kl += post * Math.log(post / model);
  return kl;
}

/** The elementwise KL rate Σ_{masked i} Σ_v ρ_v (a_v − μ_v + a_v log μ_v), ρ_v = α′_v/(1 − α_v) from the naive derivative. */
export function klRate(p: ClassProblem, z: Int32Array, x: Int32Array, t: number): number {
  const m = mu(p, z, t);
  let g = 0;
  for (let i = 0; i < p.L; i++) {
    if (z[i] !== p.V) continue;
    for (let v = 0; v < p.V; v++) {
      const rho = (-(1 - p.eps) * p.w[v]! * t ** (p.w[v]! - 1)) / maskProb(p, v, t);
      const a = v === x[i] ? 1 : 0;
      g += rho * (a - m[i]![v]! + a * Math.log(m[i]![v]!));
    }
  }
  return g;
}

/** Σ_i (1 − α_{x_i}(t1))·(−log P(x_i | masked at t1)), P(v | masked) ∝ 1 − α_v(t1) (uniform class prior). */
export function reconstructionExact(p: ClassProblem, x: Int32Array, t1: number): number {
  const m = p.w.map((_, v) => maskProb(p, v, t1));
  const z = m.reduce((a, b) => a + b, 0);
  return Array.from(x).reduce((acc, xi) => acc + m[xi]! * -Math.log(m[xi]! / z), 0);
}

/** ∫_{t1}^1 Σ_M q(M|x,t)·klRate dt by Gauss–Legendre on geometric panels, plus the reconstruction term. */
export function continuousExact(p: ClassProblem, x: Int32Array, t1: number): number {
  const { nodes, weights } = gaussLegendre(16);
  const J = 40;
  let total = 0;
  for (let j = 0; j < J; j++) {
    const lo = t1 * (1 / t1) ** (j / J);
    const hi = t1 * (1 / t1) ** ((j + 1) / J);
    nodes.forEach((xi, q) => {
      const t = lo + ((hi - lo) * (xi + 1)) / 2;
      let s = 0;
      for (const { M, z } of patterns(x, p.V)) if (M) s += patternProb(p, x, M, t) * klRate(p, z, x, t);
      total += ((hi - lo) / 2) * weights[q]! * s;
    });
  }
  return total + reconstructionExact(p, x, t1);
}

/** The T-step NELBO on the grid k/T: Σ_k Σ_M q(M|x,t_k)·KL_k(z_M) (α_v(0) = 1: no reconstruction; α_v(1) = 0 needs ε = 0). */
export function stepBoundExact(p: ClassProblem, x: Int32Array, T: number): number {
  let total = 0;
  for (let k = 1; k <= T; k++) {
    for (const { M, z } of patterns(x, p.V)) if (M) total += patternProb(p, x, M, k / T) * stepKlEnumerated(p, z, x, (k - 1) / T, k / T);
  }
  return total;
}

/** The exact law over V^L (index Σ x_i V^(L−1−i)) of T per-class ancestral steps from all-MASK on the grid k/T. */
export function samplerLaw(p: ClassProblem, T: number): Float64Array {
  const S = p.V + 1;
  const index = (z: Int32Array): number => z.reduce((a, v) => a * S + v, 0);
  let dist = new Map<number, { z: Int32Array; p: number }>([[index(new Int32Array(p.L).fill(p.V)), { z: new Int32Array(p.L).fill(p.V), p: 1 }]]);
  for (let k = T; k >= 1; k--) {
    const next = new Map<number, { z: Int32Array; p: number }>();
    for (const { z, p: pz } of dist.values()) {
      for (const { next: n, model } of nextStates(p, z, null, (k - 1) / T, k / T)) {
        if (model === 0) continue;
        const key = index(n);
        const e = next.get(key) ?? { z: n, p: 0 };
        e.p += pz * model;
        next.set(key, e);
      }
    }
    dist = next;
  }
  const law = new Float64Array(p.V ** p.L);
  for (const { z, p: pz } of dist.values()) {
    if (z.includes(p.V)) throw new Error("samplerLaw: a MASK left after the last step");
    law[z.reduce((a, v) => a * p.V + v, 0)] += pz;
  }
  return law;
}
