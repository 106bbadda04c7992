/** MD4's training loss: mask tokens with probability 1 − α(t_b), weigh the cross-entropy of masked positions by w(t_b). */
import { tensor, type Tensor } from "../../engine/index.js";
import { applyMask, drawMask } from "../../diffusion/process.js";
import { restrictedLogProbs, type Parameterization } from "../../diffusion/parameterization.js";
import { timeTensors, tokenNll, weightedSum } from "../../diffusion/losses/weighted-nll.js";
import type { DenoisingNetwork } from "../../models/net-denoiser.js";
import type { LossInput, LossOutput } from "../method.js";

/** The continuous-time NELBO estimate (nats per token) of one batch; the term `nelbo` is its value. */
export function md4Loss(network: DenoisingNetwork, parameterization: Parameterization, maskId: number, { x, t, schedule, uniform }: LossInput): LossOutput {
  const [B, L] = x.shape as [number, number];
  const { maskProb, weight } = timeTensors(t, schedule);
  const masked = drawMask([B, L], maskProb, uniform);
  const z = applyMask(x, masked, maskId);
  const logits: Tensor = network.forward(z, tensor(t, [B])).to("float32");
  const loss = weightedSum(tokenNll(restrictedLogProbs(parameterization, logits, z), x), masked, weight);
  return { loss, terms: { nelbo: loss.item() } };
}
