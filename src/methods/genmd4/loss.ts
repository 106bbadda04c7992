/**
 * GenMD4's training loss (ALGORITHMS.md §2.3–2.4): two masks per example at the same t, the §2.3 integrand on [t1, 1],
 * the reconstruction term on [0, t1], and the RLOO surrogate that gives w its score-function gradient.
 */
import { cat, rand, tensor, tidy, type Tensor } from "../../engine/index.js";
import { applyMask } from "../../diffusion/process.js";
import { restrictedLogProbs, type Parameterization } from "../../diffusion/parameterization.js";
import type { LossOutput } from "../method.js";
import type { ClassExponents } from "./exponents.js";
import { diffusionIntegrand, maskLogLikelihood, maskProbs, reconstruction } from "./objective.js";

/** What the loss needs besides the batch. */
export interface GenMD4LossParts {
  /** The network: noisy states int64 [N, L] and times [N] -> logits [N, L, C]. */
  predict(z: Tensor, t: Tensor): Tensor;
  exponents: ClassExponents;
  parameterization: Parameterization;
  maskId: number;
  /** α_v(1) = eps in the forward process. */
  eps: number;
  /** Lower end t1 of the diffusion integral; [0, t1] is the reconstruction term. */
  t1: number;
}

/**
 * The surrogate ½(L1 + L2) + ½·sg(L1 − L2)·(log q(z¹|x) − log q(z²|x)) + L_recon, per token. x: int64 [B, L];
 * t: [B] uniform on [t1, 1] (so the integral over [t1, 1] is (1 − t1)·g(t)). Terms (nats per token): diffusion,
 * reconstruction, reinforce (the surrogate's score-function part, zero in expectation of its value) and
 * nelbo = diffusion + reconstruction.
 */
export function genmd4Loss(parts: GenMD4LossParts, x: Tensor, t: Float64Array): LossOutput {
  const [B, L] = x.shape as [number, number];
  const { eps, t1 } = parts;
  const w = parts.exponents.w();
  const times = tensor(t, [B]);
  const drawn = tidy(() => {
    const m = maskProbs(x, w.detach(), times, eps);
    return [rand([B, L]).lt(m), rand([B, L]).lt(m)];
  });
  const masked = cat(drawn);
  const xx = cat([x, x]);
  const tt = cat([times, times]);
  const z = applyMask(xx, masked, parts.maskId);
  const logp = restrictedLogProbs(parts.parameterization, parts.predict(z, tt).to("float32"), z);
  const [L1, L2] = diffusionIntegrand(logp, xx, masked, w, tt).mul(1 - t1).chunk(2) as [Tensor, Tensor];
  const [q1, q2] = maskLogLikelihood(xx, masked, w, tt, eps).chunk(2) as [Tensor, Tensor];
  const diffusion = L1.add(L2).mul(0.5);
  const reinforce = L1.sub(L2).detach().mul(q1.sub(q2)).mul(0.5);
  const recon = reconstruction(x, w, t1, eps);
  const perToken = (v: Tensor): Tensor => v.sum().div(B * L);
  const loss = perToken(diffusion.add(reinforce).add(recon));
  const terms = { diffusion: perToken(diffusion).item(), reconstruction: perToken(recon).item(), reinforce: perToken(reinforce).item() };
  const nelbo = terms.diffusion + terms.reconstruction;
  return { loss, terms: { ...terms, nelbo }, objective: nelbo };
}
