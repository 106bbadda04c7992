/** The SUBS parameterisation: network logits -> clean-token distributions μ with carry-over. */
import type { States } from "./denoiser.js";

/**
 * log μ [batch·length·V] in float64: at masked positions the log-softmax of the logits over the
 * V real classes; at revealed positions a one-hot on the revealed token (0 / −∞).
 */
export function subsLogProbs(logits: Float64Array, states: States, V: number): Float64Array {
  const { tokens } = states;
  const out = new Float64Array(tokens.length * V);
  for (let i = 0; i < tokens.length; i++) {
    const o = i * V;
    const z = tokens[i]!;
    if (z !== V) {
      out.fill(-Infinity, o, o + V);
      out[o + z] = 0;
      continue;
    }
    let m = -Infinity;
    for (let v = 0; v < V; v++) m = Math.max(m, logits[o + v]!);
    if (m === -Infinity) throw new Error(`subsLogProbs: every logit at position ${i} is -Infinity`);
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[o + v]! - m);
    const lse = m + Math.log(s);
    for (let v = 0; v < V; v++) out[o + v] = logits[o + v]! - lse;
  }
  return out;
}

/** μ = exp(subsLogProbs): per-position probabilities over the V real classes. */
export function subsProbs(logits: Float64Array, states: States, V: number): Float64Array {
  const lp = subsLogProbs(logits, states, V);
  for (let i = 0; i < lp.length; i++) lp[i] = Math.exp(lp[i]!);
  return lp;
}
