/** Tensor forms of the masked-diffusion training losses (autograd on), from restricted log-probabilities. */
import { tensor, tidy, type Tensor } from "../../engine/index.js";
import type { Schedule } from "../schedule.js";

/** Σ_b w_b · Σ_i counted_{b,i}·nll_{b,i}, divided by B·n (nats per token). nll, counted: [B, n]; weight: [B]. */
export function weightedSum(nll: Tensor, counted: Tensor, weight: Tensor): Tensor {
  const [B, n] = nll.shape as [number, number];
  return nll.mul(counted.to("float32")).sum(-1).mul(weight).sum().div(B * n);
}

/** −log p(x_i) per token [B, n] from log-probabilities [B, n, C] and clean classes int64 [B, n]. */
export function tokenNll(logp: Tensor, x: Tensor): Tensor {
  return logp.gather(-1, x.unsqueeze(-1)).squeeze(-1).neg();
}

/** Per-sequence masking probabilities 1 − α(t_b) and ELBO weights w(t_b) as float32 tensors [B]. */
export function timeTensors(t: Float64Array, schedule: Schedule): { maskProb: Tensor; weight: Tensor } {
  return tidy(() => ({
    maskProb: tensor(Array.from(t, (ti) => 1 - schedule.alpha(ti)), [t.length]),
    weight: tensor(Array.from(t, (ti) => schedule.weight(ti)), [t.length]),
  }));
}
