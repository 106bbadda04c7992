/**
 * VMD: masked diffusion with a per-sequence Gaussian latent z, so that tokens revealed together are independent only given z
 * (ALGORITHMS.md §5, VMD_DETAILS.md). No public code exists: the encoder, the latent size and the KL weighting are ours.
 */
import { UserError } from "../../cli/user-error.js";
import { fixedLatentContinuous, fixedLatentStepBound } from "../../diffusion/latent-bounds.js";
import { consistentSet } from "../../diffusion/parameterization.js";
import { samplerNames } from "../../diffusion/samplers/index.js";
import { tokenLayout } from "../../diffusion/state-layout.js";
import { DiT } from "../../models/dit.js";
import { netDenoiser } from "../../models/net-denoiser.js";
import type { TrainConfig } from "../../train/config.js";
import type { Method, MethodModel } from "../method.js";
import { vmdSchema, type VmdConfig } from "./config.js";
import { withEncoder } from "./denoiser.js";
import { LatentEncoder } from "./encoder.js";
import { vmdLoss } from "./loss.js";
import { VmdNetwork } from "./network.js";
import { vmdObjective } from "./objective.js";

/** The method section of a config known to be VMD's. */
function options(config: TrainConfig): VmdConfig {
  return config.method as VmdConfig;
}

/** VMD's network for a config: the latent-conditioned DiT and the encoder (shape checked). */
export function vmdNetwork(config: TrainConfig, V: number, o: Pick<VmdConfig, "latentDim" | "encoder">): VmdNetwork {
  const e = o.encoder;
  if (e.d % e.heads !== 0 || (e.d / e.heads) % 2 !== 0) throw new UserError(`method.encoder: d = ${e.d} must be divisible by heads = ${e.heads}, with an even head dimension (rotary embedding)`);
  const m = config.model;
  const dit = new DiT({ classes: V, d: m.d, layers: m.layers, heads: m.heads, cond: m.cond, dropout: m.dropout, timeConditioning: m.timeConditioning, latentDim: o.latentDim });
  return new VmdNetwork(dit, new LatentEncoder(V, o.latentDim, e));
}

/** The VMD method. */
export const vmd: Method = {
  name: "vmd",
  schema: vmdSchema,
  build(config: TrainConfig, V: number): MethodModel {
    const o = options(config);
    const network = vmdNetwork(config, V, o);
    const layout = tokenLayout(V);
    const parameterization = consistentSet(layout);
    return {
      network,
      denoiser: () => withEncoder(netDenoiser(network, layout, parameterization), network, (x, masked) => network.encoder.forward(x, masked), o.latentDim),
      loss: (input) => vmdLoss(network, parameterization, layout.maskId, o, input),
    };
  },
  bounds: (config) => [fixedLatentContinuous("nelbo"), vmdObjective("vmd_objective", options(config)), fixedLatentStepBound("nelbo_T")],
  // the loop draws z ~ N(0, I) per sequence for any policy (held fixed, or redrawn every step: sample's latent option)
  samplers: () => samplerNames,
  describe(config) {
    const o = options(config);
    const warm = o.klWarmup ? `, KL annealed over ${o.klWarmup} steps` : "";
    return `VMD: a ${o.latentDim}-dimensional Gaussian latent per sequence (prior N(0, I)), encoder q(z | x0, mask pattern), λ(t) = ${o.klWeight === "time" ? "β·w(t)" : "β"} with β = ${o.beta}${warm}`;
  },
};
