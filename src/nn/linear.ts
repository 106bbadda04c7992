/** Linear layer y = x·Wᵀ + b. */
import { linear, type Tensor } from "../engine/index.js";
import { uniform, zeroInit } from "./init.js";
import { Module } from "./module.js";

/** Options of a Linear layer. */
export interface LinearOptions {
  bias?: boolean;
  /** Start from zero weights and bias (adaLN-zero modulation layers). */
  zero?: boolean;
}

/** Fully connected layer with weight [out, in], PyTorch's default U(±1/√in) initialisation. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    const init = (shape: number[]) => (opts.zero ? zeroInit(shape) : uniform(shape, bound));
    this.weight = this.param("weight", init([outFeatures, inFeatures]));
    this.bias = opts.bias === false ? null : this.param("bias", init([outFeatures]));
  }

  /** Applies the layer to the last dim of x. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
