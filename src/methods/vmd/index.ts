/**
 * VMD: masked diffusion with a per-sequence Gaussian latent z, so that tokens revealed together are independent only given z
 * (ALGORITHMS.md §5, VMD_DETAILS.md). No public code exists: the encoder, the latent size and the KL weighting are ours.
 */
import { UserError } from "../../cli/user-error.js";
import { noGrad, tensor, tidy } from "../../engine/index.js";
import type { Denoiser } from "../../diffusion/denoiser.js";
import { fixedLatentContinuous, fixedLatentStepBound } from "../../diffusion/latent-bounds.js";
import { consistentSet } from "../../diffusion/parameterization.js";
import { tokenLayout } from "../../diffusion/state-layout.js";
import { DiT } from "../../models/dit.js";
import { netDenoiser } from "../../models/net-denoiser.js";
import type { TrainConfig } from "../../train/config.js";
import type { Method, MethodModel } from "../method.js";
import { vmdSchema, type VmdConfig } from "./config.js";
import { LatentEncoder } from "./encoder.js";
import { vmdLoss } from "./loss.js";
import { VmdNetwork } from "./network.js";
import { vmdObjective } from "./objective.js";

/** The method section of a config known to be VMD's. */
function options(config: TrainConfig): VmdConfig {
  return config.method as VmdConfig;
}

/** The network's evaluation view: the z-conditioned denoiser plus its encoder as the LatentModel. */
function vmdDenoiser(net: VmdNetwork, base: Denoiser): Denoiser {
  const dim = net.encoder.dim;
  return {
    ...base,
    latent: {
      dim,
      posterior(x, masked) {
        const wasTraining = net.training;
        net.eval();
        try {
          return noGrad(() =>
            tidy(() => {
              const q = net.encoder.forward(tensor(x.tokens, [x.batch, x.length], { dtype: "int64" }), tensor(masked, [x.batch, x.length], { dtype: "bool" }));
              return { mean: q.mean.toFloat64Array(), logVar: q.logVar.toFloat64Array() };
            }),
          );
        } finally {
          net.train(wasTraining);
        }
      },
    },
  };
}

/** The VMD method. */
export const vmd: Method = {
  name: "vmd",
  schema: vmdSchema,
  build(config: TrainConfig, V: number): MethodModel {
    const o = options(config);
    const e = o.encoder;
    if (e.d % e.heads !== 0 || (e.d / e.heads) % 2 !== 0) throw new UserError(`method.encoder: d = ${e.d} must be divisible by heads = ${e.heads}, with an even head dimension (rotary embedding)`);
    const m = config.model;
    const dit = new DiT({ classes: V, d: m.d, layers: m.layers, heads: m.heads, cond: m.cond, dropout: m.dropout, timeConditioning: m.timeConditioning, latentDim: o.latentDim });
    const network = new VmdNetwork(dit, new LatentEncoder(V, o.latentDim, e));
    const layout = tokenLayout(V);
    const parameterization = consistentSet(layout);
    return {
      network,
      denoiser: () => vmdDenoiser(network, netDenoiser(network, layout, parameterization)),
      loss: (input) => vmdLoss(network, parameterization, layout.maskId, o, input),
    };
  },
  bounds: (config) => [fixedLatentContinuous("nelbo"), vmdObjective("vmd_objective", options(config)), fixedLatentStepBound("nelbo_T")],
  samplers: () => [],
  samplerLimits: "sampling a latent-variable model needs the sampling loop to draw z per sequence, which is not built yet",
  describe(config) {
    const o = options(config);
    const warm = o.klWarmup ? `, KL annealed over ${o.klWarmup} steps` : "";
    return `VMD: a ${o.latentDim}-dimensional Gaussian latent per sequence (prior N(0, I)), encoder q(z | x0, mask pattern), λ(t) = ${o.klWeight === "time" ? "β·w(t)" : "β"} with β = ${o.beta}${warm}`;
  },
};
