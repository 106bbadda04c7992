/**
 * Block-wise VMD's training loss: bd3's per-block masking and pair pass, with one latent z_b per block drawn from the
 * block encoder by reparameterisation and fed to block b's noisy tokens; the weighted cross-entropy plus Σ_b λ(t_b)·KL_b.
 */
import { tensor, type Tensor } from "../../engine/index.js";
import { applyMask, drawMask } from "../../diffusion/process.js";
import { restrictedLogProbs, type Parameterization } from "../../diffusion/parameterization.js";
import { timeTensors, tokenNll, weightedSum } from "../../diffusion/losses/weighted-nll.js";
import type { LossInput, LossOutput } from "../method.js";
import { blockOfPosition, perToken } from "../bd3/block-times.js";
import { blockCount } from "../bd3/mask.js";
import type { PairPass } from "../bd3/pair-pass.js";
import { normalNoise, reparameterize } from "../vmd/gaussian.js";
import { klPenalty } from "../vmd/loss.js";
import type { VmdConfig } from "../vmd/config.js";

/** What the loss needs besides the batch: the denoiser's pair pass, the block encoder, and the latent options. */
export interface BlockVmdLossSetup {
  pass: Pick<PairPass, "blockSize" | "logits">;
  encoder: { forward(x: Tensor, masked: Tensor): { mean: Tensor; logVar: Tensor } };
  parameterization: Parameterization;
  maskId: number;
  options: Pick<VmdConfig, "beta" | "klWeight" | "klWarmup">;
}

/**
 * The loss of one batch (nats per token); input.t holds one time per block [B·N_B]. Terms: reconstruction (the per-block
 * weighted CE), kl (nats per token, unweighted), kl_weight and kl_dim_k (mean KL of dimension k per block latent).
 */
export function blockVmdLoss(setup: BlockVmdLossSetup, { x, t, schedule, step, uniform }: LossInput): LossOutput {
  const [B, L] = x.shape as [number, number];
  const nb = blockCount(L, setup.pass.blockSize);
  if (t.length !== B * nb) throw new Error(`block-vmd loss: ${t.length} times for ${B} sequences of ${nb} blocks (expected one per block, ${B * nb})`);
  const { maskProb, weight } = timeTensors(t, schedule);
  const blockOf = blockOfPosition(L, setup.pass.blockSize, x.device);
  const tokenTimes = perToken(tensor(t, [B, nb], { device: x.device }), blockOf);
  const masked = drawMask([B, L], perToken(maskProb.reshape(B, nb), blockOf), uniform);
  const z = applyMask(x, masked, setup.maskId);
  const { mean, logVar } = setup.encoder.forward(x, masked);
  const latent = reparameterize(mean, logVar, normalNoise(mean.shape, uniform));
  const logits: Tensor = setup.pass.logits(z, x, tokenTimes, perToken(latent, blockOf)).to("float32");
  const reconstruction = weightedSum(tokenNll(restrictedLogProbs(setup.parameterization, logits, z), x), masked, perToken(weight.reshape(B, nb), blockOf));
  const K = mean.shape[2]!;
  const kl = klPenalty(mean.reshape(B * nb, K), logVar.reshape(B * nb, K), weight, setup.options, step, B * L);
  return { loss: reconstruction.add(kl.penalty), terms: { reconstruction: reconstruction.item(), ...kl.terms } };
}
