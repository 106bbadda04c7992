/**
 * The Parameterization seam: network logits + noisy state -> log-probabilities over the real classes.
 * Carry-over is written once here: a token's distribution is the softmax of its logits restricted to
 * the classes consistent with its visible positions (SUBS at ℓ = 1, MDM-Prime's filter for ℓ > 1).
 * The training losses (float32) and the sampler's prediction cache (float64) both go through it.
 */
import { keep, tensor, tidy, type Tensor } from "../engine/index.js";
import type { StateLayout } from "./state-layout.js";

/** Which classes each token of a state may be. */
export interface Parameterization {
  /** states int64 [B, n·ℓ] -> bool [B, n, C]: class c is consistent with the visible positions of token i. */
  allowed(states: Tensor): Tensor;
}

/**
 * The consistent-set rule of a state layout: class c is allowed for token i when, at every visible
 * position j of the token, digit j of c equals the visible value (masked positions match anything).
 * A fully masked token allows every class; a fully visible one exactly its class (SUBS carry-over).
 */
export function consistentSet(layout: StateLayout): Parameterization {
  const { classes: C, maskId, positionsPerToken: ell } = layout;
  const table = digitTableTensor(layout);
  return {
    allowed(states: Tensor): Tensor {
      return tidy(() => {
        const [B, S] = states.shape as [number, number];
        if (S % ell !== 0) throw new Error(`parameterization: state length ${S} is not a multiple of ${ell} positions per token`);
        const y = states.reshape(B, S / ell, ell);
        const digits = table.to(null, states.device);
        let ok: Tensor | null = null;
        for (let j = 0; j < ell; j++) {
          const yj = y.slice(2, j, j + 1); // [B, n, 1]
          const match = yj.eq(maskId).logicalOr(yj.eq(digits.slice(0, j, j + 1).reshape(1, 1, C)));
          ok = ok === null ? match : ok.logicalAnd(match);
        }
        return ok!;
      });
    },
  };
}

const tables = new WeakMap<StateLayout, Tensor>();

/** The layout's digit table as an int64 tensor [ℓ, C] (digit j of class c at [j, c]), made once per layout. */
export function digitTableTensor(layout: StateLayout): Tensor {
  let d = tables.get(layout);
  if (!d) {
    d = keep(tensor(layout.digitTable, [layout.positionsPerToken, layout.classes], { dtype: "int64" }));
    tables.set(layout, d);
  }
  return d;
}

/** log p [B, n, C] in the logits' dtype: log-softmax over the allowed classes, −∞ elsewhere. */
export function restrictedLogProbs(p: Parameterization, logits: Tensor, states: Tensor): Tensor {
  return tidy(() => logits.maskedFill(p.allowed(states).logicalNot(), -Infinity).logSoftmax(-1));
}

/** Float64 log-probabilities [B·n·C] of float64 logits for a state given as an Int32Array, for samplers and evaluators. */
export function logProbsFloat64(p: Parameterization, logits: Float64Array, states: Int32Array, batch: number, length: number, classes: number): Float64Array {
  return tidy(() => {
    const z = tensor(states, [batch, length], { dtype: "int64" });
    const n = logits.length / (batch * classes);
    if (!Number.isInteger(n)) throw new Error(`parameterization: ${logits.length} logits do not fill [${batch}, n, ${classes}]`);
    const lp = restrictedLogProbs(p, tensor(logits, [batch, n, classes], { dtype: "float64" }), z);
    const out = lp.toFloat64Array();
    for (let r = 0; r < out.length; r += classes) {
      let finite = false;
      for (let v = r; v < r + classes && !finite; v++) finite = out[v]! > -Infinity;
      if (!finite) throw new Error(`parameterization: token ${r / classes} has no class with finite probability (every consistent logit is −∞)`);
    }
    return out;
  });
}

