/** MDM-Prime: partial masking — each token written as ℓ base-b sub-tokens, masked one by one, with a restricted joint output. */
import { stepBound, truncatedContinuous } from "../../diffusion/bounds.js";
import { consistentSet } from "../../diffusion/parameterization.js";
import { DiT } from "../../models/dit.js";
import { netDenoiser } from "../../models/net-denoiser.js";
import type { TrainConfig } from "../../train/config.js";
import type { Method, MethodModel } from "../method.js";
import { primeSchema, type PrimeConfig } from "./config.js";
import { DigitCodec } from "./digits.js";
import { FactorizedHead } from "./factorized-head.js";
import { primeLoss } from "./loss.js";
import { SubTokenEncoder } from "./sub-token-encoder.js";
import { SuperTokenCodec } from "./super-tokens.js";
import { UserError } from "../../cli/user-error.js";

/** The samplers that work digit by digit: ancestral (the Prime sampler) and the σ-family of ReMDM. */
export const primeSamplers = ["ancestral", "remdm-cap", "remdm-rescale", "remdm-loop", "fb", "dfm"] as const;

/** The method section of a config known to be Prime's. */
function options(config: TrainConfig): PrimeConfig {
  return config.method as PrimeConfig;
}

/** The MDM-Prime method. */
export const prime: Method = {
  name: "prime",
  schema: primeSchema,
  build(config: TrainConfig, C: number): MethodModel {
    const { ell, objective, joint, group } = options(config);
    if (config.data.seqLen % group !== 0) throw new UserError(`method.group = ${group} must divide data.seqLen = ${config.data.seqLen}`);
    const m = config.model;
    if (m.d % ell !== 0) throw new UserError(`model.d = ${m.d} must be divisible by method.ell = ${ell} (each digit gets d/ℓ dimensions)`);
    const layout = group === 1 ? new DigitCodec(C, ell).layout : new SuperTokenCodec(C, ell, group).layout;
    const encoder = new SubTokenEncoder(layout.symbols + 1, m.d, ell);
    // joint === false (an explicit choice; undefined means the default, joint): per-digit softmaxes, see factorized-head.ts
    const head = joint === false ? new FactorizedHead(m.d, m.cond, layout) : undefined;
    const network = new DiT(
      { classes: layout.classes, d: m.d, layers: m.layers, heads: m.heads, cond: m.cond, dropout: m.dropout, timeConditioning: m.timeConditioning },
      { encoder, head },
    );
    const parameterization = consistentSet(layout);
    return {
      network,
      denoiser: () => netDenoiser(network, layout, parameterization),
      loss: (input) => primeLoss(network, parameterization, layout, objective, input),
    };
  },
  bounds: () => [
    truncatedContinuous("nelbo_certified", "per-digit NELBO (§3.7b, the certified form)", "digit"),
    truncatedContinuous("nelbo_prime_paper", "MDM-Prime's joint objective (paper form, not a bound: a perfect model scores below the entropy)", "joint"),
    stepBound("nelbo_T"),
  ],
  samplers: () => primeSamplers,
  describe(config) {
    const { ell, objective, joint, group } = options(config);
    const per = group === 1 ? `ℓ = ${ell} sub-tokens per token` : `super-tokens of ${group} tokens written as ${ell} digits (ℓ = ${ell}/${group})`;
    const output = joint === false ? ", factorized output (independent per-digit softmaxes)" : "";
    return `MDM-Prime: ${per}${output}, trained on the ${objective === "paper" ? "paper (joint)" : "certified (per-digit)"} objective`;
  },
};
