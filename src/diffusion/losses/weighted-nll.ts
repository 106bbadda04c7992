/** Tensor forms of the masked-diffusion training losses (autograd on), from restricted log-probabilities. */
import { tensor, tidy, type Tensor } from "../../engine/index.js";
import type { Schedule } from "../schedule.js";

/** Σ_b w_b · Σ_i counted_{b,i}·nll_{b,i}, divided by B·n (nats per token). nll, counted: [B, n]; weight: [B], or [B, n] per token. */
export function weightedSum(nll: Tensor, counted: Tensor, weight: Tensor): Tensor {
  const [B, n] = nll.shape as [number, number];
  const terms = nll.mul(counted.to("float32"));
  return (weight.shape.length === 1 ? terms.sum(-1).mul(weight) : terms.mul(weight)).sum().div(B * n);
}

/** −log p(x_i) per token [B, n] from log-probabilities [B, n, C] and clean classes int64 [B, n]. */
export function tokenNll(logp: Tensor, x: Tensor): Tensor {
  return logp.gather(-1, x.unsqueeze(-1)).squeeze(-1).neg();
}

/** Masking probabilities 1 − α(t) and ELBO weights w(t), one per time, as float32 tensors [t.length]. */
export function timeTensors(t: Float64Array, schedule: Schedule): { maskProb: Tensor; weight: Tensor } {
  return tidy(() => ({
    maskProb: tensor(Array.from(t, (ti) => 1 - schedule.alpha(ti)), [t.length]),
    weight: tensor(Array.from(t, (ti) => schedule.weight(ti)), [t.length]),
  }));
}
