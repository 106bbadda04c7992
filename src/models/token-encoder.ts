/** The plain input encoder: one embedding row per class, the mask being one more row. */
import type { Tensor } from "../engine/index.js";
import { Embedding, Module } from "../nn/index.js";
import type { InputEncoder } from "./seams.js";

/** Embeds tokens 0..V (V = MASK) into D dimensions. Parameter: weight [V + 1, D]. */
export class TokenEncoder extends Module implements InputEncoder {
  readonly table: Embedding;

  constructor(vocabWithMask: number, dim: number) {
    super();
    this.table = this.module("", new Embedding(vocabWithMask, dim));
  }

  /** z int64 [B, S] -> [B, S, D]. */
  forward(z: Tensor): Tensor {
    return this.table.forward(z);
  }
}
