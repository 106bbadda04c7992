/** The four seams every method plugs into (see DESIGN.md): encoder, conditioning, attention mask, head. */
import type { Tensor } from "../engine/index.js";
import type { Module } from "../nn/index.js";

/** Input encoder: noisy tokens int64 [B, S] (mask included) -> hidden vectors [B, S, D]. */
export interface InputEncoder extends Module {
  forward(z: Tensor): Tensor;
}

/** Conditioning: diffusion times [B] (and later latents) -> conditioning vectors [B, C]. */
export interface Conditioning extends Module {
  /** Whether the vector depends on time (if not, idle sampling steps are exactly cacheable). */
  readonly timeConditioned: boolean;
  forward(t: Tensor): Tensor;
}

/** Attention mask for a sequence length: boolean [S, S] (true = may attend) or null for bidirectional. */
export type AttentionMask = (seq: number, device: string) => Tensor | null;

/** Output head: hidden [B, S, D] and conditioning [B, C] -> logits over the V real classes [B, S, V]. */
export interface OutputHead extends Module {
  forward(h: Tensor, c: Tensor): Tensor;
}
