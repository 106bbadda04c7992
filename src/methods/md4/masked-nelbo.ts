/** MD4's continuous-time NELBO as a weighted cross-entropy over masked positions. */
import { type Tensor } from "../../engine/index.js";
import { tokenNll, weightedSum } from "../../diffusion/losses/weighted-nll.js";

/**
 * Σ_b w_b · Σ_{i masked} −log softmax(logits)[x_i], divided by B·S (nats per token).
 * logits: [B, S, V]; x: int64 [B, S] clean tokens; masked: bool [B, S]; weight: [B] = w(t_b).
 */
export function maskedNelbo(logits: Tensor, x: Tensor, masked: Tensor, weight: Tensor): Tensor {
  return weightedSum(tokenNll(logits.to("float32").logSoftmax(-1), x), masked, weight);
}
