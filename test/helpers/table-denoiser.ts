/** Exact "table" denoisers over tiny state spaces, for checks by enumeration. */
import type { Denoiser, States } from "../../src/diffusion/denoiser.js";
import { consistentSet, logProbsFloat64, type Parameterization } from "../../src/diffusion/parameterization.js";
import { tokenLayout, type StateLayout } from "../../src/diffusion/state-layout.js";

/** A joint distribution over V^L sequences: probs[index(x)], index = Σ x_i V^(L-1-i). */
export interface JointDistribution {
  V: number;
  L: number;
  probs: Float64Array;
}

/** All V^L sequences in index order. */
export function allSequences(V: number, L: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let n = 0; n < V ** L; n++) {
    const x = new Int32Array(L);
    for (let i = L - 1, r = n; i >= 0; i--, r = Math.floor(r / V)) x[i] = r % V;
    out.push(x);
  }
  return out;
}

/** The layout and parameterization of a plain one-position-per-token denoiser over V classes (SUBS). */
export function tokenParts(V: number): { layout: StateLayout; parameterization: Parameterization } {
  const layout = tokenLayout(V);
  return { layout, parameterization: consistentSet(layout) };
}

/** Shannon entropy (nats) of a joint distribution. */
export function entropy(d: JointDistribution): number {
  let h = 0;
  for (const p of d.probs) if (p > 0) h -= p * Math.log(p);
  return h;
}

/**
 * The exact denoiser of d: at each masked position, log p(x_i = v | the revealed tokens of z).
 * Time-agnostic (the posterior over clean tokens does not depend on t under masking).
 */
export function trueDenoiser(d: JointDistribution): Denoiser {
  const seqs = allSequences(d.V, d.L);
  return {
    ...tokenParts(d.V),
    timeConditioned: false,
    predict(states: States): Float64Array {
      const { V } = d;
      const out = new Float64Array(states.tokens.length * V);
      for (let b = 0; b < states.batch; b++) {
        const z = states.tokens.subarray(b * states.length, (b + 1) * states.length);
        const mass = new Float64Array(states.length * V);
        seqs.forEach((x, n) => {
          if (z.some((zi, i) => zi !== V && zi !== x[i])) return;
          for (let i = 0; i < x.length; i++) mass[i * V + x[i]!] += d.probs[n]!;
        });
        for (let k = 0; k < mass.length; k++) out[b * states.length * V + k] = Math.log(mass[k]!);
      }
      return out;
    },
  };
}

/** A denoiser given by an arbitrary function of one sequence's state (and time) -> logits [L·V]. */
export function functionDenoiser(V: number, timeConditioned: boolean, f: (z: Int32Array, t: number) => Float64Array): Denoiser {
  return {
    ...tokenParts(V),
    timeConditioned,
    predict(states: States, t: Float64Array): Float64Array {
      const out = new Float64Array(states.tokens.length * V);
      for (let b = 0; b < states.batch; b++) {
        const z = states.tokens.subarray(b * states.length, (b + 1) * states.length);
        out.set(f(z, t[b]!), b * states.length * V);
      }
      return out;
    },
  };
}

/** Logits over V classes that depend on the whole state (and on t if time-conditioned), with a hook on every predict() call. */
export function stateDenoiser(V: number, timeConditioned = false, onCall?: (s: States) => void): Denoiser {
  const inner = functionDenoiser(V, timeConditioned, (z, t) => {
    const out = new Float64Array(z.length * V);
    const h = z.reduce((a, x, i) => a + (x + 1) * (i + 2), 0);
    for (let i = 0; i < z.length; i++) for (let v = 0; v < V; v++) out[i * V + v] = Math.sin(h + 1.7 * i + 2.3 * v) + (timeConditioned ? t : 0);
    return out;
  });
  return { ...inner, predict: (s, t) => (onCall?.(s), inner.predict(s, t)) };
}

/** μ = exp of the SUBS log-probabilities of logits [B·L·V] for states (the restriction samplers apply), in float64. */
export function subsProbs(logits: Float64Array, states: States, V: number): Float64Array {
  const lp = logProbsFloat64(consistentSet(tokenLayout(V)), logits, states.tokens, states.batch, states.length, V);
  return lp.map(Math.exp);
}

/** Counts of the sampled sequences (flat [B·L] tokens over V classes) by index Σ x_i V^(L−1−i). */
export function sequenceCounts(tokens: Int32Array, L: number, V: number): Float64Array {
  const counts = new Float64Array(V ** L);
  for (let b = 0; b < tokens.length / L; b++) counts[tokens.subarray(b * L, (b + 1) * L).reduce((a, x) => a * V + x, 0)]!++;
  return counts;
}
