/** Conditioning on diffusion time through a sinusoidal embedding and an MLP (or on nothing), plus an optional latent. */
import { zeros, type Tensor } from "../engine/index.js";
import { Linear, Module, TimeEmbedding } from "../nn/index.js";
import type { Conditioning } from "./seams.js";

/**
 * SiLU(TimeEmbedding(t) + W·latent); time-agnostic models feed t = 0, i.e. a learned constant vector (MDLM).
 * With latentDim > 0 a latent vector per sequence (or one per token) is projected into the same space (parameters latent.*).
 */
export class TimeConditioning extends Module implements Conditioning {
  readonly time: TimeEmbedding;
  readonly latent: Linear | null;

  constructor(dim: number, readonly timeConditioned = true, readonly latentDim = 0) {
    super();
    this.time = this.module("time", new TimeEmbedding(dim));
    this.latent = latentDim > 0 ? this.module("latent", new Linear(latentDim, dim)) : null;
  }

  /** t float [B] or [B, n], latent [B, latentDim] or per token [B, n, latentDim] -> [B, dim] or [B, n, dim]. */
  forward(t: Tensor, latent?: Tensor): Tensor {
    const input = this.timeConditioned ? t : zeros(t.shape, { device: t.device });
    let c = this.time.forward(input);
    if (latent !== undefined) {
      if (this.latent === null) throw new Error("conditioning: a latent was given but this model has no latent input (latentDim = 0)");
      const z = this.latent.forward(latent);
      if (latent.shape.length === 3) c = (c.shape.length === 3 ? c : c.unsqueeze(1)).add(z);
      else c = c.add(c.shape.length === 3 ? z.unsqueeze(1) : z);
    } else if (this.latent !== null) throw new Error(`conditioning: this model needs a latent of ${this.latentDim} dimensions per sequence`);
    return c.silu();
  }
}
