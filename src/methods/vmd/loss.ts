/**
 * VMD's training loss (ALGORITHMS.md §5.3; the KL weighting is ours): per sequence, a mask at rate 1 − α(t), one z from the
 * encoder q(z | x0, x_t) by reparameterisation, the MD4 weighted cross-entropy of the z-conditioned denoiser, plus λ(t)·KL.
 */
import { tensor, type Tensor } from "../../engine/index.js";
import { applyMask, drawMask } from "../../diffusion/process.js";
import { restrictedLogProbs, type Parameterization } from "../../diffusion/parameterization.js";
import { timeTensors, tokenNll, weightedSum } from "../../diffusion/losses/weighted-nll.js";
import type { LossInput, LossOutput } from "../method.js";
import type { VmdConfig } from "./config.js";
import { klPerDimension, normalNoise, reparameterize } from "./gaussian.js";

/** What the loss needs of the network: the encoder's Gaussian and the latent-conditioned logits. */
export interface LatentNetwork {
  encoder: { forward(x: Tensor, masked: Tensor): { mean: Tensor; logVar: Tensor } };
  forward(z: Tensor, t: Tensor, latent: Tensor): Tensor;
}

/** The annealing factor of the KL at an optimiser step: min(1, step / klWarmup), 1 without warm-up. */
export function klAnnealing(step: number | undefined, warmup: number): number {
  return warmup === 0 || step === undefined ? 1 : Math.min(1, step / warmup);
}

/**
 * The loss of one batch (nats per token). Terms: reconstruction (the weighted CE), kl (nats per token, unweighted),
 * kl_weight (λ at this step, constant form) and kl_dim_k (the mean KL of dimension k, nats per sequence: collapse checks).
 */
export function vmdLoss(net: LatentNetwork, parameterization: Parameterization, maskId: number, options: VmdConfig, { x, t, schedule, step, uniform }: LossInput): LossOutput {
  const [B, L] = x.shape as [number, number];
  const { maskProb, weight } = timeTensors(t, schedule);
  const masked = drawMask([B, L], maskProb, uniform);
  const z = applyMask(x, masked, maskId);
  const { mean, logVar } = net.encoder.forward(x, masked);
  const latent = reparameterize(mean, logVar, normalNoise(mean.shape, uniform));
  const logits: Tensor = net.forward(z, tensor(t, [B]), latent).to("float32");
  const reconstruction = weightedSum(tokenNll(restrictedLogProbs(parameterization, logits, z), x), masked, weight);
  const kl = klPenalty(mean, logVar, weight, options, step, B * L);
  return { loss: reconstruction.add(kl.penalty), terms: { reconstruction: reconstruction.item(), ...kl.terms } };
}

/**
 * The KL part of the loss for N latents [N, dim] whose diffusion times have ELBO weights w [N]: Σ λ·KL / tokens, and the
 * terms kl (nats per token, unweighted), kl_weight (the annealed β) and kl_dim_k (the mean KL of dimension k per latent).
 */
export function klPenalty(mean: Tensor, logVar: Tensor, weight: Tensor, options: Pick<VmdConfig, "beta" | "klWeight" | "klWarmup">, step: number | undefined, tokens: number): { penalty: Tensor; terms: Record<string, number> } {
  const N = mean.shape[0]!;
  const klDims = klPerDimension(mean, logVar);
  const kl = klDims.sum(-1);
  const anneal = klAnnealing(step, options.klWarmup) * options.beta;
  const lambda = options.klWeight === "time" ? weight.mul(anneal) : tensor(new Float32Array(N).fill(anneal), [N]);
  const terms: Record<string, number> = { kl: kl.sum().item() / tokens, kl_weight: anneal };
  klDims.mean(0).toFloat64Array().forEach((v, k) => (terms[`kl_dim_${k}`] = v));
  return { penalty: kl.mul(lambda).sum().div(tokens), terms };
}
