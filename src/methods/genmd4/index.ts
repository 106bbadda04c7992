/** GenMD4: masked diffusion with a learned state-dependent schedule α_v(t) = 1 − (1 − ε)t^{w_v} per clean class (ALGORITHMS.md §2). */
import { UserError } from "../../cli/user-error.js";
import { classContinuousBound, classStepBound } from "../../diffusion/class-bounds.js";
import { perClassSchedule } from "../../diffusion/class-schedule.js";
import { consistentSet } from "../../diffusion/parameterization.js";
import { tokenLayout } from "../../diffusion/state-layout.js";
import { netDenoiser } from "../../models/net-denoiser.js";
import type { TrainConfig } from "../../train/config.js";
import { md4Network } from "../md4/index.js";
import type { Method, MethodModel } from "../method.js";
import { genmd4Schema, type GenMD4Config } from "./config.js";
import { genmd4Loss, type GenMD4LossParts } from "./loss.js";
import { GenMD4Network } from "./network.js";

/**
 * The samplers whose derivation holds under a per-class schedule: ancestral (draw v ~ μ, reveal with r_v). ReMDM's σ
 * bounds and the confidence orders' reveal counts are derived for one scalar α(t), so they are not offered.
 */
export const genmd4Samplers = ["ancestral"] as const;

/** The method section of a config known to be GenMD4's. */
function options(config: TrainConfig): GenMD4Config {
  return config.method as GenMD4Config;
}

/** Refuses config fields GenMD4 would otherwise silently ignore or cannot work with. */
function checkConfig(config: TrainConfig): void {
  if (config.diffusion.schedule !== "linear")
    throw new UserError(`diffusion.schedule = '${config.diffusion.schedule}': genmd4 learns its schedule α_v(t) = 1 − (1 − ε)t^{w_v}, starting at w = method.wInit; leave diffusion.schedule at 'linear' (the default)`);
  if (!(config.diffusion.tMin > 0))
    throw new UserError("diffusion.tMin must be > 0 for genmd4: the diffusion term integrates over [tMin, 1] and the reconstruction term covers [0, tMin]");
}

/** The GenMD4 method. */
export const genmd4: Method = {
  name: "genmd4",
  schema: genmd4Schema,
  build(config: TrainConfig, V: number): MethodModel {
    checkConfig(config);
    const { eps, wInit } = options(config);
    const network = new GenMD4Network(md4Network(config, V), wInit);
    const layout = tokenLayout(V);
    const parameterization = consistentSet(layout);
    const parts: GenMD4LossParts = { predict: (z, t) => network.forward(z, t), exponents: network.exponents, parameterization, maskId: layout.maskId, eps, t1: config.diffusion.tMin };
    return {
      network,
      denoiser: () => netDenoiser(network, layout, parameterization),
      loss: ({ x, t }) => genmd4Loss(parts, x, t),
      // Evaluation and sampling use α_v(1) = 0, so the all-MASK start is exactly the prior; r_v and the weights do not depend on ε.
      learnedSchedule: () => perClassSchedule("genmd4-learned", network.exponents.schedule(0)),
    };
  },
  bounds: () => [classContinuousBound("nelbo"), classStepBound("nelbo_T")],
  samplers: () => genmd4Samplers,
  samplerLimits:
    "ReMDM's σ_t bounds and the confidence orders' reveal counts are derived for one scalar α(t); under a per-class schedule α_v(t) their marginal argument does not hold, so only the per-class ancestral sampler runs",
  describe(config) {
    const { eps, wInit } = options(config);
    return `GenMD4: learned per-class schedule α_v(t) = 1 − (1 − ${eps})t^{w_v}, w_v = softplus(ŵ_v) starting at ${wInit}, RLOO gradient for w`;
  },
};
