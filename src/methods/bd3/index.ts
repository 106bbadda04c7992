/** Block diffusion (BD3-LM): autoregressive over blocks of L′ tokens, masked diffusion inside each block. */
import { UserError } from "../../cli/user-error.js";
import type { BoundSpec } from "../../diffusion/bounds.js";
import { consistentSet } from "../../diffusion/parameterization.js";
import { samplerNames } from "../../diffusion/samplers/index.js";
import { tokenLayout } from "../../diffusion/state-layout.js";
import type { TrainConfig } from "../../train/config.js";
import { md4Network } from "../md4/index.js";
import type { Method, MethodModel } from "../method.js";
import { blockNelbo } from "./block-nelbo.js";
import { bd3Schema, type Bd3Config } from "./config.js";
import { generateBlocks } from "./generate.js";
import { bd3Loss } from "./loss.js";
import { blockCount } from "./mask.js";
import { pairDenoiser } from "./pair-denoiser.js";
import { PairPass } from "./pair-pass.js";

/** The method section of a config known to be bd3's. */
function options(config: TrainConfig): Bd3Config {
  return config.method as Bd3Config;
}

/** The per-block bounds at block size L′: the truncated continuous form (validation) and the certified T-step bound. */
export function blockBounds(blockSize: number): BoundSpec[] {
  return [
    {
      name: "nelbo",
      certified: false,
      discrete: false,
      label: (o) => `per-block NELBO (blocks of ${blockSize}), continuous time over t∈[${o.tMin}, 1] in each block (truncated, so not a certified bound)`,
      estimate: (d, x, rng, o) => blockNelbo(d, x, blockSize, o.schedule, rng, { kind: "continuous", tMin: o.tMin }),
    },
    {
      name: "nelbo_T",
      certified: true,
      discrete: true,
      label: (o) => `per-block T-step NELBO (blocks of ${blockSize}), T = ${o.steps} steps per block (certified upper bound)`,
      estimate: (d, x, rng, o) => blockNelbo(d, x, blockSize, o.schedule, rng, { kind: "steps", T: o.steps }),
    },
  ];
}

/** The BD3-LM method. */
export const bd3: Method = {
  name: "bd3",
  schema: bd3Schema,
  build(config: TrainConfig, V: number): MethodModel {
    const { block, clip } = options(config);
    const L = config.data.seqLen;
    if (block > L) throw new UserError(`method.block = ${block} must be at most data.seqLen = ${L}`);
    const network = md4Network(config, V);
    const layout = tokenLayout(V);
    const parameterization = consistentSet(layout);
    const pass = new PairPass(network, block);
    return {
      network,
      denoiser: () => pairDenoiser(pass, layout, parameterization),
      loss: (input) => bd3Loss({ pass, parameterization, maskId: layout.maskId, tMin: config.diffusion.tMin, clip }, input),
      generate: (policy, opts) => generateBlocks({ network, layout, parameterization, blockSize: block, window: L }, policy, opts),
    };
  },
  bounds: (config) => blockBounds(options(config).block),
  samplers: (config) => samplerNames.filter((n) => !n.startsWith("block-") && !(n === "first-hitting" && config.model.timeConditioning)),
  samplerLimits: "each block is sampled by one run of the loop: the block-* orders (over a whole bidirectional sequence) do not apply, and first-hitting needs a time-agnostic network",
  describe(config) {
    const { block, clip } = options(config);
    const L = config.data.seqLen;
    const last = L % block === 0 ? "" : ` (the last one of ${L % block})`;
    const clipped = clip ? `, training times clipped to [${clip[0]}, ${clip[1]}]` : "";
    return `BD3-LM: ${blockCount(L, block)} blocks of ${block} tokens${last}, autoregressive over blocks, masked diffusion inside${clipped}`;
  },
  timesPerSequence: (config) => blockCount(config.data.seqLen, options(config).block),
  importFormat: { name: "bd3lm", blocks: true, section: (block) => ({ name: "bd3", block }) },
};
