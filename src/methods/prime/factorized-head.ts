/**
 * MDM-Prime *without* the joint parameterization (§3.5 ablation): the head emits ℓ·b logits per token,
 * one independent softmax per digit, instead of C joint logits. They are written as class logits
 *
 *     logit[c] = Σ_j a_j[digit_j(c)]
 *
 * so that the shared restricted softmax of parameterization.ts applies unchanged. Over the classes
 * consistent with a state, the visible digits' terms are one constant, so the restricted softmax is
 * Π_{masked j} softmax(a_j)[digit_j(c)] renormalised over the consistent classes. When b^ℓ = C every
 * digit combination is a class and this is exactly the product of the per-digit softmaxes (digits of one
 * token independent given y_t); when b^ℓ > C the product is renormalised over the valid codes c < C
 * (the unused codes [C, b^ℓ) are dropped), which couples the digits slightly.
 */
import { keep, tensor, type Tensor } from "../../engine/index.js";
import type { StateLayout } from "../../diffusion/state-layout.js";
import { ModulatedHead } from "../../models/output-head.js";
import type { OutputHead } from "../../models/seams.js";
import { Module } from "../../nn/index.js";

/** index[j·C + c] = j·b + digit_j(c): where class c's digit-j logit sits among a token's ℓ·b per-digit logits. */
export function digitLogitIndex(layout: StateLayout): Int32Array {
  const { classes: C, symbols: b, positionsPerToken: ell, digitTable } = layout;
  const index = new Int32Array(ell * C);
  for (let j = 0; j < ell; j++) for (let c = 0; c < C; c++) index[j * C + c] = j * b + digitTable[j * C + c]!;
  return index;
}

/**
 * The factorized output head: adaLN-modulated LayerNorm and a linear map to ℓ·b per-digit logits
 * (a_j[v] at j·b + v), summed into C class logits. Parameters: norm.*, ada.*, out.* (out: [ℓ·b, D]),
 * the names of ModulatedHead.
 */
export class FactorizedHead extends Module implements OutputHead {
  readonly digits: ModulatedHead;
  readonly classes: number;
  readonly ell: number;
  readonly base: number;
  private readonly index: Tensor;

  constructor(dim: number, condDim: number, layout: StateLayout) {
    super();
    this.classes = layout.classes;
    this.ell = layout.positionsPerToken;
    this.base = layout.symbols;
    this.digits = this.module("", new ModulatedHead(dim, condDim, this.ell * this.base));
    this.index = keep(tensor(digitLogitIndex(layout), [this.ell * this.classes], { dtype: "int64" }));
  }

  /** h [B, n, D], c [B, C'] or [B, n, C'] -> per-digit logits [B, n, ℓ, b]. */
  digitLogits(h: Tensor, c: Tensor): Tensor {
    const [B, n] = h.shape as [number, number];
    return this.digits.forward(h, c).reshape(B, n, this.ell, this.base);
  }

  /** h [B, n, D], c -> class logits [B, n, C], logit[c] = Σ_j a_j[digit_j(c)]. */
  forward(h: Tensor, c: Tensor): Tensor {
    const [B, n] = h.shape as [number, number];
    const a = this.digits.forward(h, c); // [B, n, ℓ·b]
    return a.indexSelect(2, this.index.to(null, a.device)).reshape(B, n, this.ell, this.classes).sum(2);
  }
}
