/** Functions over several tensors and neural-network primitives. */
import { native } from "./native.js";
import { Tensor, type TensorLike } from "./tensor.js";
import { tidy } from "./scope.js";

/** Concatenates along an existing dim. */
export function cat(ts: Tensor[], dim = 0): Tensor {
  return new Tensor(native.cat(ts.map((t) => t.handle), dim));
}

/** Stacks along a new dim. */
export function stack(ts: Tensor[], dim = 0): Tensor {
  return new Tensor(native.stack(ts.map((t) => t.handle), dim));
}

/** a where cond is true, b elsewhere (broadcasting; a or b may be numbers). */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  return new Tensor(native.where(cond.handle, a instanceof Tensor ? a.handle : a, b instanceof Tensor ? b.handle : b));
}

/** x·Wᵀ + b with W: [out, in]. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return new Tensor(native.linear(x.handle, weight.handle, bias?.handle ?? null));
}

/** Layer normalisation over the trailing dims of shape `normalized`, with optional affine. */
export function layerNorm(x: Tensor, normalized: number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  return new Tensor(native.layerNorm(x.handle, normalized, weight?.handle ?? null, bias?.handle ?? null, eps));
}

/** Rows of weight picked by integer indices (any shape): out shape = [...indices.shape, dim]. */
export function embedding(weight: Tensor, indices: Tensor): Tensor {
  return new Tensor(native.embedding(weight.handle, indices.handle));
}

/** Zeroes each element with probability p and rescales by 1/(1-p) when training. */
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  if (!training || p === 0) return x;
  return new Tensor(native.dropout(x.handle, p, training));
}

/** Cross-entropy of logits [N, C] against int64 targets [N]. */
export function crossEntropy(logits: Tensor, target: Tensor, reduction: "mean" | "sum" | "none" = "mean"): Tensor {
  return new Tensor(native.crossEntropy(logits.handle, target.handle, reduction));
}

/**
 * softmax(q·kᵀ/√d + mask)·v for q, k, v: [..., S, d]. mask (broadcastable to [..., S, S]) is
 * boolean (true = may attend) or additive float. The scale is applied to q (S×d) rather than to
 * the S×S scores, and the score tensors are released as soon as they are used.
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null = null): Tensor {
  const d = q.shape.at(-1)!;
  const scores = tidy(() => {
    const s = q.mul(1 / Math.sqrt(d)).matmul(k.transpose(-2, -1));
    if (!mask) return s;
    return mask.dtype === "bool" ? s.maskedFill(mask.logicalNot(), -Infinity) : s.add(mask);
  });
  const probs = scores.softmax(-1);
  scores.dispose();
  const out = probs.matmul(v);
  probs.dispose();
  return out;
}
