/** MDM-Prime's input encoder: each of a token's ℓ digits embedded into its own D/ℓ slice of the token's hidden vector. */
import type { Tensor } from "../../engine/index.js";
import { Embedding, Module } from "../../nn/index.js";
import type { InputEncoder } from "../../models/seams.js";

/** One table of b + 1 rows (row b = mask) and D/ℓ columns shared by all digit positions. Parameter: weight [b + 1, D/ℓ]. */
export class SubTokenEncoder extends Module implements InputEncoder {
  readonly table: Embedding;

  constructor(symbolsWithMask: number, readonly dim: number, readonly ell: number) {
    super();
    if (dim % ell !== 0) throw new Error(`sub-token encoder: model.d = ${dim} must be divisible by ℓ = ${ell}`);
    this.table = this.module("", new Embedding(symbolsWithMask, dim / ell));
  }

  /** z int64 [B, n·ℓ] (digits of token i at i·ℓ..i·ℓ+ℓ−1) -> [B, n, D] (digit slices concatenated in digit order). */
  forward(z: Tensor): Tensor {
    const [B, S] = z.shape as [number, number];
    if (S % this.ell !== 0) throw new Error(`sub-token encoder: state length ${S} is not a multiple of ℓ = ${this.ell}`);
    return this.table.forward(z).reshape(B, S / this.ell, this.dim);
  }
}
