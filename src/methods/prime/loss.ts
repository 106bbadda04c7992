/**
 * MDM-Prime's training losses (§3.7): sub-tokens masked independently with probability 1 − α(t_b), then
 * both the joint (paper) form w·Σ_i −log p(x^i | y_t) and the certified per-digit form
 * w·Σ_i Σ_{masked j} −log P(y₀^{ij} | y_t) from the restricted joint p. Both are logged; one is trained.
 */
import { tensor, type Tensor } from "../../engine/index.js";
import { applyMask, drawMask } from "../../diffusion/process.js";
import { digitTableTensor, restrictedLogProbs, type Parameterization } from "../../diffusion/parameterization.js";
import type { StateLayout } from "../../diffusion/state-layout.js";
import { timeTensors, tokenNll, weightedSum } from "../../diffusion/losses/weighted-nll.js";
import type { DenoisingNetwork } from "../../models/net-denoiser.js";
import type { LossInput, LossOutput } from "../method.js";

/** −Σ_{masked j} log P(digit j = y₀^{ij}) per token [B, n]: log-sum-exp of log p over the classes whose digit j agrees. */
export function digitNll(logp: Tensor, y0: Tensor, masked: Tensor, layout: StateLayout, digits: Tensor): Tensor {
  const [B, n, C] = logp.shape as [number, number, number];
  const ell = layout.positionsPerToken;
  const y = y0.reshape(B, n, ell);
  const m = masked.reshape(B, n, ell).to("float32");
  let total: Tensor | null = null;
  for (let j = 0; j < ell; j++) {
    const agrees = digits.slice(0, j, j + 1).reshape(1, 1, C).eq(y.slice(2, j, j + 1));
    const term = logp.maskedFill(agrees.logicalNot(), -Infinity).logsumexp(-1).neg().mul(m.slice(2, j, j + 1).squeeze(-1));
    total = total === null ? term : total.add(term);
  }
  return total!;
}

/** The training loss of a Prime model: `objective` picks the trained form; terms hold both (nats per token). */
export function primeLoss(
  network: DenoisingNetwork,
  parameterization: Parameterization,
  layout: StateLayout,
  objective: "certified" | "paper",
  { x, t, schedule, uniform }: LossInput,
): LossOutput {
  const [B, n] = x.shape as [number, number];
  const L = n / layout.groupSize;
  const ell = layout.positionsPerToken;
  const digits = digitTableTensor(layout);
  if (layout.groupSize > 1) x = mergeGroups(x, layout);
  const y0 = digits.transpose(0, 1).indexSelect(0, x.reshape(B * L)).reshape(B, L * ell);
  const { maskProb, weight } = timeTensors(t, schedule);
  const masked = drawMask([B, L * ell], maskProb, uniform);
  const z = applyMask(y0, masked, layout.maskId);
  const logp = restrictedLogProbs(parameterization, network.forward(z, tensor(t, [B])).to("float32"), z);
  const anyMasked = masked.reshape(B, L, ell).to("float32").sum(-1).gt(0);
  const joint = weightedSum(tokenNll(logp, x), anyMasked, weight);
  const certified = weightedSum(digitNll(logp, y0, masked, layout, digits), anyMasked, weight);
  const terms = { nelbo_certified: certified.item(), nelbo_prime_paper: joint.item() };
  return { loss: objective === "paper" ? joint : certified, terms };
}

/** Super-tokens: clean data tokens int64 [B, n] -> merged classes [B, n/q], Σ_r x_{g·q+r}·C^(q−1−r). */
function mergeGroups(x: Tensor, layout: StateLayout): Tensor {
  const [B, n] = x.shape as [number, number];
  const q = layout.groupSize;
  const powers = tensor(Array.from({ length: q }, (_, r) => layout.dataClasses ** (q - 1 - r)), [q], { dtype: "int64", device: x.device });
  return x.reshape(B, n / q, q).mul(powers).sum(-1);
}
