/** MD4's continuous-time NELBO as a weighted cross-entropy over masked positions. */
import { type Tensor } from "../../engine/index.js";

/**
 * Σ_b w_b · Σ_{i masked} −log softmax(logits)[x_i], divided by B·S (nats per token).
 * logits: [B, S, V]; x: int64 [B, S] clean tokens; masked: bool [B, S]; weight: [B] = w(t_b).
 */
export function maskedNelbo(logits: Tensor, x: Tensor, masked: Tensor, weight: Tensor): Tensor {
  const [B, S] = x.shape as [number, number];
  const logp = logits.to("float32").logSoftmax(-1);
  const ce = logp.gather(-1, x.unsqueeze(-1)).squeeze(-1).neg();
  const perSeq = ce.mul(masked.to("float32")).sum(-1);
  return perSeq.mul(weight).sum().div(B * S);
}
