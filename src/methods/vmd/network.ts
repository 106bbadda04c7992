/** VMD's trainable network: the latent-conditioned DiT denoiser p_θ(x0 | x_t, z) and the encoder q_φ(z | x0, x_t). */
import type { Tensor } from "../../engine/index.js";
import type { DiT } from "../../models/dit.js";
import type { DenoisingNetwork } from "../../models/net-denoiser.js";
import { Module } from "../../nn/index.js";
import type { LatentEncoder } from "./encoder.js";

/** The denoiser (parameters at the top level, named as MD4's plus latent.*) and `encoder.*`. */
export class VmdNetwork extends Module implements DenoisingNetwork {
  constructor(readonly dit: DiT, readonly encoder: LatentEncoder) {
    super();
    this.module("", dit);
    this.module("encoder", encoder);
    this.namedParameters(); // refuses two parameters with one name
  }

  /** Whether the denoiser's output depends on time. */
  get timeConditioned(): boolean {
    return this.dit.timeConditioned;
  }

  /** Logits [B, L, C] of states z [B, L] at times t [B], conditioned on the latent [B, dim] (z enters adaLN). */
  forward(z: Tensor, t: Tensor, latent?: Tensor): Tensor {
    return this.dit.forward(z, t, latent);
  }
}
