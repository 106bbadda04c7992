/** The four seams every method plugs into (see DESIGN.md): encoder, conditioning, attention mask, head. */
import type { Tensor } from "../engine/index.js";
import type { Module } from "../nn/index.js";

/**
 * Input encoder: noisy states int64 [B, S] (mask included) -> hidden vectors [B, n, D], one per token
 * (n = S for plain tokens, S/ℓ for sub-tokens); the DiT sizes its rotary tables from n.
 */
export interface InputEncoder extends Module {
  forward(z: Tensor): Tensor;
}

/**
 * Conditioning: diffusion times [B] (one per sequence) or [B, n] (one per token, block diffusion), and
 * optionally a latent [B, K] per sequence (VMD) or [B, n, K] per token (block-wise VMD) -> conditioning vectors [B, C] or [B, n, C].
 */
export interface Conditioning extends Module {
  /** Whether the vector depends on time (if not, idle sampling steps are exactly cacheable). */
  readonly timeConditioned: boolean;
  forward(t: Tensor, latent?: Tensor): Tensor;
}

/** Attention mask for a sequence length: boolean [S, S] (true = may attend) or null for bidirectional. */
export type AttentionMask = (seq: number, device: string) => Tensor | null;

/** Output head: hidden [B, n, D] and conditioning [B, C] or [B, n, C] -> logits over the C real classes [B, n, C]. */
export interface OutputHead extends Module {
  forward(h: Tensor, c: Tensor): Tensor;
}
