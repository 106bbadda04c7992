/** GenMD4's trainable network: the DiT plus the per-class schedule exponents, so optimiser, EMA and checkpoints carry both. */
import type { Tensor } from "../../engine/index.js";
import type { DiT } from "../../models/dit.js";
import type { DenoisingNetwork } from "../../models/net-denoiser.js";
import { Module } from "../../nn/index.js";
import { ClassExponents } from "./exponents.js";

/** A DiT (parameters at the top level, named as MD4's) and `schedule.w_hat`. */
export class GenMD4Network extends Module implements DenoisingNetwork {
  readonly dit: DiT;
  readonly exponents: ClassExponents;

  constructor(dit: DiT, wInit: number) {
    super();
    this.dit = this.module("", dit);
    this.exponents = this.module("schedule", new ClassExponents(dit.config.classes, wInit));
    this.namedParameters(); // refuses two parameters with one name
  }

  /** Whether the DiT's output depends on time. */
  get timeConditioned(): boolean {
    return this.dit.timeConditioned;
  }

  /** The DiT's logits [B, L, C]. */
  forward(z: Tensor, t: Tensor, latent?: Tensor): Tensor {
    return this.dit.forward(z, t, latent);
  }
}
