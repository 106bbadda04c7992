/** The dataset a training config names, loaded with the options recorded in its data section. */
import { datasetFromName, type DatasetOptions } from "../data/index.js";
import type { TokenDataset, TokenStream } from "../data/dataset.js";
import { UserError } from "../errors.js";
import type { TrainConfig } from "./config.js";

/** The dataset options recorded in a config. */
export function dataOptions(meta: { config: TrainConfig }): DatasetOptions {
  const d = meta.config.data;
  const o: DatasetOptions = {};
  if (d.dir !== undefined) o.dir = d.dir;
  if (d.name.startsWith("gpt2:")) o.seqLen = d.seqLen; // token files are wrapped into rows of the trained length
  if (d.name === "hmm") {
    if (d.hmmSeed !== undefined) o.seed = d.hmmSeed;
    if (d.hmmHidden !== undefined) o.hidden = d.hmmHidden;
    if (d.hmmStickiness !== undefined) o.stickiness = d.hmmStickiness;
    if (d.hmmSize !== undefined) o.size = d.hmmSize;
    return o;
  }
  if (d.coupledSeed !== undefined) o.seed = d.coupledSeed;
  if (d.coupledSize !== undefined) o.size = d.coupledSize;
  if (d.coupling !== undefined) o.coupling = d.coupling;
  if (d.markovSeed !== undefined) o.seed = d.markovSeed;
  if (d.markovSymbols !== undefined) o.K = d.markovSymbols;
  if (d.markovSize !== undefined) o.size = d.markovSize;
  return o;
}

/** Loads config.data's dataset; a UserError naming data.name if it cannot be loaded. */
export function configDataset(config: TrainConfig): TokenDataset<TokenStream> {
  try {
    return datasetFromName(config.data.name, dataOptions({ config }));
  } catch (e) {
    throw new UserError(`data.name '${config.data.name}': ${(e as Error).message}`, { cause: e });
  }
}
