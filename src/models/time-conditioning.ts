/** Conditioning on diffusion time through a sinusoidal embedding and an MLP, or on nothing. */
import { zeros, type Tensor } from "../engine/index.js";
import { Module, TimeEmbedding } from "../nn/index.js";
import type { Conditioning } from "./seams.js";

/** SiLU(TimeEmbedding(t)); time-agnostic models feed t = 0, i.e. a learned constant vector (MDLM). */
export class TimeConditioning extends Module implements Conditioning {
  readonly time: TimeEmbedding;

  constructor(dim: number, readonly timeConditioned = true) {
    super();
    this.time = this.module("time", new TimeEmbedding(dim));
  }

  /** t float [B] -> [B, dim]. */
  forward(t: Tensor): Tensor {
    const input = this.timeConditioned ? t : zeros(t.shape, { device: t.device });
    return this.time.forward(input).silu();
  }
}
