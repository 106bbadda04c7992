/** Two-layer feed-forward network. */
import { dropout, type Tensor } from "../engine/index.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";

/** fc2(GELU_tanh(fc1(x))) with a hidden width of ratio·dim. */
export class Mlp extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(readonly dim: number, ratio = 4, readonly dropoutP = 0) {
    super();
    this.fc1 = this.module("fc1", new Linear(dim, ratio * dim));
    this.fc2 = this.module("fc2", new Linear(ratio * dim, dim));
  }

  /** Applies the MLP to the last dim. */
  forward(x: Tensor): Tensor {
    // The 4×-wide activations are released as soon as they are consumed (what autograd needs stays alive).
    const h = this.fc1.forward(x);
    const g = h.gelu("tanh");
    h.dispose();
    const out = this.fc2.forward(g);
    g.dispose();
    return dropout(out, this.dropoutP, this.training);
  }
}
