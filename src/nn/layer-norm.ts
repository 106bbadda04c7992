/** Layer normalisation over the last dimension. */
import { layerNorm, ones, zeros, type Tensor } from "../engine/index.js";
import { Module } from "./module.js";

/** LayerNorm over the last dim, with or without a learned scale and shift. */
export class LayerNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(readonly dim: number, readonly affine = true, readonly eps = 1e-5) {
    super();
    this.weight = affine ? this.param("weight", ones([dim])) : null;
    this.bias = affine ? this.param("bias", zeros([dim])) : null;
  }

  /** Normalises x over its last dim. */
  forward(x: Tensor): Tensor {
    return layerNorm(x, [this.dim], this.weight, this.bias, this.eps);
  }
}
