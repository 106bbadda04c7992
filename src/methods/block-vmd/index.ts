/**
 * Block-wise VMD: bd3's block diffusion with one Gaussian latent z_b per block (independent N(0, I) priors), so that the
 * tokens of a block revealed together are independent only given z_b (VMD_DETAILS §3). No public code exists: the block
 * encoder, the latent size, the KL weighting and the zero latent of the clean tokens are ours.
 */
import { UserError } from "../../cli/user-error.js";
import { consistentSet } from "../../diffusion/parameterization.js";
import { tokenLayout } from "../../diffusion/state-layout.js";
import type { TrainConfig } from "../../train/config.js";
import { bd3 } from "../bd3/index.js";
import { generateBlocks } from "../bd3/generate.js";
import { blockCount } from "../bd3/mask.js";
import { pairDenoiser } from "../bd3/pair-denoiser.js";
import { PairPass } from "../bd3/pair-pass.js";
import type { Method, MethodModel } from "../method.js";
import { withEncoder } from "../vmd/denoiser.js";
import { vmdNetwork } from "../vmd/index.js";
import { blockVmdSchema, type BlockVmdConfig } from "./config.js";
import { BlockEncoder } from "./encoder.js";
import { blockVmdLoss } from "./loss.js";
import { blockLatentBounds } from "./bounds.js";
import { blockVmdObjective } from "./objective.js";

/** The method section of a config known to be block-vmd's. */
function options(config: TrainConfig): BlockVmdConfig {
  return config.method as BlockVmdConfig;
}

/** The block-wise VMD method. */
export const blockVmd: Method = {
  name: "block-vmd",
  schema: blockVmdSchema,
  build(config: TrainConfig, V: number): MethodModel {
    const o = options(config);
    const L = config.data.seqLen;
    if (o.block > L) throw new UserError(`method.block = ${o.block} must be at most data.seqLen = ${L}`);
    const network = vmdNetwork(config, V, o);
    const layout = tokenLayout(V);
    const parameterization = consistentSet(layout);
    const pass = new PairPass(network.dit, o.block);
    const encoder = new BlockEncoder(network.encoder, o.block);
    const perSequence = blockCount(L, o.block) * o.latentDim;
    return {
      network,
      denoiser: () => withEncoder(pairDenoiser(pass, layout, parameterization), network, (x, masked) => encoder.forward(x, masked), perSequence),
      loss: (input) => blockVmdLoss({ pass, encoder, parameterization, maskId: layout.maskId, options: o }, input),
      generate: (policy, opts) =>
        generateBlocks({ network: network.dit, layout, parameterization, blockSize: o.block, window: L, latentDim: o.latentDim }, policy, opts),
    };
  },
  bounds(config) {
    const o = options(config);
    const [continuous, steps] = blockLatentBounds(o.block);
    return [continuous!, blockVmdObjective("block_vmd_objective", o.block, o), steps!];
  },
  samplers: (config) => bd3.samplers(config),
  samplerLimits: bd3.samplerLimits,
  describe(config) {
    const o = options(config);
    const L = config.data.seqLen;
    const warm = o.klWarmup ? `, KL annealed over ${o.klWarmup} steps` : "";
    return `block-wise VMD: ${blockCount(L, o.block)} blocks of ${o.block} tokens, a ${o.latentDim}-dimensional Gaussian latent per block (priors N(0, I)), block encoder q(z_b | x0_{≤b}, mask pattern of b), λ(t) = ${o.klWeight === "time" ? "β·w(t)" : "β"} with β = ${o.beta}${warm}`;
  },
  timesPerSequence: (config) => blockCount(config.data.seqLen, options(config).block),
};
