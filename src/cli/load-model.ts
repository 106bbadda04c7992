/** Loading a trained model (EMA weights) and its dataset from a checkpoint. */
import { existsSync, statSync } from "node:fs";
import { datasetFromName, type DatasetOptions } from "../data/index.js";
import type { TokenDataset, TokenStream } from "../data/dataset.js";
import type { Method, MethodModel } from "../methods/method.js";
import { methodNamed } from "../methods/registry.js";
import { loadCheckpoint, readCheckpointMeta, type CheckpointMeta } from "../train/checkpoint.js";
import { UserError } from "./user-error.js";

/** A model ready for sampling or evaluation. */
export interface LoadedModel {
  model: MethodModel;
  method: Method;
  meta: CheckpointMeta;
  data: TokenDataset<TokenStream>;
}

/** Loads a checkpoint's EMA weights into the model its config describes, with its dataset. */
export async function loadModel(path: string): Promise<LoadedModel> {
  if (!existsSync(path)) throw new UserError(`checkpoint ${path} does not exist`);
  if (!statSync(path).isFile()) throw new UserError(`checkpoint ${path} is not a file`);
  const meta = await readCheckpointMeta(path);
  let data: TokenDataset<TokenStream>;
  try {
    data = datasetFromName(meta.config.data.name, dataOptions(meta));
  } catch (e) {
    throw new UserError(`checkpoint ${path} was trained on '${meta.config.data.name}', which cannot be loaded: ${(e as Error).message}`);
  }
  const method = methodNamed(meta.config.method.name);
  const model = method.build(meta.config, data.vocabSize);
  const shapes = Object.fromEntries(model.network.namedParameters().map(([n, p]) => [n, p.shape]));
  const { tensors } = await loadCheckpoint(path, shapes, "float32", ["ema"]);
  model.network.loadStateDict(tensors.ema);
  for (const group of Object.values(tensors)) for (const t of Object.values(group as Record<string, { dispose(): void }>)) t.dispose();
  model.network.eval();
  return { model, method, meta, data };
}

/** The dataset options recorded in a config. */
export function dataOptions(meta: { config: CheckpointMeta["config"] }): DatasetOptions {
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
