/** The tiny training runs of the data-parallel tests: one config per registry method, and the data they train on. */
import { markovDataset } from "../../src/data/index.js";
import { parseTrainConfig, type TrainConfig } from "../../src/train/config.js";

/** The method section each registry method is tested with (the equivalence test checks that every method has one). */
export const METHOD_SECTIONS: Record<string, Record<string, unknown>> = {
  md4: { name: "md4" },
  prime: { name: "prime", ell: 2 },
  genmd4: { name: "genmd4" },
  vmd: { name: "vmd", latentDim: 4, encoder: { d: 16, layers: 1, heads: 2 } },
  bd3: { name: "bd3", block: 4 },
  "block-vmd": { name: "block-vmd", block: 4, latentDim: 4, encoder: { d: 16, layers: 1, heads: 2 } },
};

/** Global batch and steps of the equivalence runs. */
export const GLOBAL_BATCH = 8;
export const STEPS = 4;

/** The config of `method`'s run (stratified times for MD4, antithetic for the others; no dropout, whose noise is per share). */
export function ddpConfig(method: string, overrides: { steps?: number } = {}): TrainConfig {
  return parseTrainConfig({
    seed: 5,
    data: { name: "markov", seqLen: 12, markovSeed: 3, markovSymbols: 5, markovSize: 6000 },
    model: { d: 16, layers: 1, heads: 2, cond: 8, timeConditioning: true },
    diffusion: { timeSampling: method === "md4" ? "stratified" : "antithetic" },
    method: METHOD_SECTIONS[method],
    train: {
      steps: overrides.steps ?? STEPS, batch: GLOBAL_BATCH, lr: 3e-3, warmup: 1, evalEvery: 2, evalSequences: 20, checkpointEvery: 2, keepCheckpoints: 1, logEvery: 1,
    },
  });
}

/** The data of every run. */
export function ddpData() {
  return markovDataset({ seed: 3, K: 5, size: 6000 });
}
