/** Embedding table lookup. */
import { embedding, type Tensor } from "../engine/index.js";
import { normal } from "./init.js";
import { Module } from "./module.js";

/** A [num, dim] table of vectors looked up by integer ids, initialised N(0, 1). */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(readonly num: number, readonly dim: number) {
    super();
    this.weight = this.param("weight", normal([num, dim], 1));
  }

  /** ids of any shape (int64) -> [...shape, dim]. */
  forward(ids: Tensor): Tensor {
    return embedding(this.weight, ids);
  }
}
