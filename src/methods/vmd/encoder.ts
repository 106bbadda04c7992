/**
 * VMD's encoder q_φ(z | x0, x_t) (our architecture; the paper's is not published): each position embeds its clean token
 * together with a "masked at t" flag (so x_t costs no second sequence), a small bidirectional DiT without time input,
 * mean pooling over positions, and a linear read-out of the mean and the log-variance (clamped to [−10, 10]).
 */
import { zeros, type Tensor } from "../../engine/index.js";
import { DiT } from "../../models/dit.js";
import { Module } from "../../nn/index.js";

/** Size of the encoder. */
export interface LatentEncoderShape {
  d: number;
  layers: number;
  heads: number;
}

/** The diagonal Gaussian q(z | x0, mask pattern) per sequence. */
export class LatentEncoder extends Module {
  readonly net: DiT;

  constructor(readonly classes: number, readonly dim: number, shape: LatentEncoderShape) {
    super();
    this.net = this.module("", new DiT({ classes: 2 * dim, inputs: 2 * classes, d: shape.d, layers: shape.layers, heads: shape.heads, cond: shape.d, timeConditioning: false }));
  }

  /** x int64 [B, L] clean tokens, masked bool [B, L] -> mean and log-variance [B, dim]. */
  forward(x: Tensor, masked: Tensor): { mean: Tensor; logVar: Tensor } {
    const [B] = x.shape as [number];
    const ids = x.add(masked.to("int64").mul(this.classes));
    const pooled = this.net.forward(ids, zeros([B], { device: x.device })).mean(1);
    return { mean: pooled.slice(1, 0, this.dim), logVar: pooled.slice(1, this.dim).clamp(-10, 10) };
  }
}
