/** The plain output head: adaLN-modulated final LayerNorm and a linear map to V logits. */
import type { Tensor } from "../engine/index.js";
import { LayerNorm, Linear, Module, perPosition } from "../nn/index.js";
import type { OutputHead } from "./seams.js";

/** out(LN(h)·(1 + scale) + shift), (shift, scale) = ada(c). Parameters: ada.*, out.*. Never a mask logit. */
export class ModulatedHead extends Module implements OutputHead {
  readonly norm: LayerNorm;
  readonly ada: Linear;
  readonly out: Linear;

  constructor(dim: number, condDim: number, readonly classes: number) {
    super();
    this.norm = this.module("norm", new LayerNorm(dim, false));
    this.ada = this.module("ada", new Linear(condDim, 2 * dim, { zero: true }));
    this.out = this.module("out", new Linear(dim, classes));
  }

  /** h [B, S, D], c [B, C] or [B, S, C] -> logits [B, S, classes]. */
  forward(h: Tensor, c: Tensor): Tensor {
    const [sh, sc] = perPosition(this.ada.forward(c)).chunk(2, -1) as [Tensor, Tensor];
    return this.out.forward(this.norm.forward(h).mul(sc.add(1)).add(sh));
  }
}
