/** Attention masks: bidirectional (none) and block-causal for block diffusion. */
import { arange, tidy } from "../engine/index.js";
import type { AttentionMask } from "./seams.js";

/** Every position attends to every position. */
export const bidirectional: AttentionMask = () => null;

/** Position i attends to j when block(j) ≤ block(i), blocks of `size` consecutive positions. */
export function blockCausal(size: number): AttentionMask {
  if (!Number.isInteger(size) || size < 1) throw new Error(`blockCausal: block size must be a positive integer, got ${size}`);
  return (seq, device) =>
    tidy(() => {
      const block = arange(0, seq, 1, { device }).div(size).floor();
      return block.unsqueeze(0).le(block.unsqueeze(1));
    });
}
