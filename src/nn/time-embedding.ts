/** Sinusoidal embedding of a scalar (diffusion time) followed by a two-layer MLP. */
import { arange, cat, type Tensor } from "../engine/index.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";

/** [cos(t·f_i), sin(t·f_i)] with f_i = 10000^(-i/half), half = freqDim/2; t: [...] -> [..., freqDim]. */
export function sinusoidalEmbedding(t: Tensor, freqDim: number): Tensor {
  const half = freqDim / 2;
  const freqs = arange(0, half, 1, { dtype: "float32", device: t.device }).mul(-Math.log(10000) / half).exp();
  const args = t.to("float32").unsqueeze(-1).mul(freqs);
  return cat([args.cos(), args.sin()], -1);
}

/** t [B] -> Linear(freqDim, dim) -> SiLU -> Linear(dim, dim). Parameters: mlp.0.*, mlp.2.*. */
export class TimeEmbedding extends Module {
  readonly l1: Linear;
  readonly l2: Linear;

  constructor(readonly dim: number, readonly freqDim = 256) {
    super();
    this.l1 = this.module("mlp.0", new Linear(freqDim, dim));
    this.l2 = this.module("mlp.2", new Linear(dim, dim));
  }

  /** Embeds a batch of times. */
  forward(t: Tensor): Tensor {
    return this.l2.forward(this.l1.forward(sinusoidalEmbedding(t, this.freqDim)).silu());
  }
}
