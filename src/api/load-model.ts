/** A trained model loaded from a checkpoint (EMA weights) with its dataset, ready to sample from and evaluate. */
import { existsSync, statSync } from "node:fs";
import type { TokenDataset, TokenStream } from "../data/dataset.js";
import { topPVariants, type SampleStats } from "../diffusion/samplers/index.js";
import { checkSampleMemory } from "../engine/memory-check.js";
import { checkSeed } from "../engine/seed.js";
import { UserError } from "../errors.js";
import { evaluateBound, type NelboReport } from "../eval/evaluate.js";
import { estimatorLabel, resultManifest, type ResultManifest } from "../eval/manifest.js";
import type { Method, MethodModel } from "../methods/method.js";
import { modelSchedule } from "../methods/model-schedule.js";
import { methodNamed } from "../methods/registry.js";
import { loadCheckpoint, readCheckpointMeta, type CheckpointMeta } from "../train/checkpoint.js";
import type { TrainConfig } from "../train/config.js";
import { dataOptions } from "../train/config-dataset.js";
import { checkSplitsFit } from "../train/data-fit.js";
import { datasetFromName } from "../data/registry.js";
import { drawSamples, MAX_SAMPLE_STEPS, policyFor, stopTokenOf, type DrawOptions } from "./draw-samples.js";
import { checkChoice, checkInteger } from "./check-option.js";

/** Options of LoadedModel.sample; every field has a default. */
export interface ModelSampleOptions extends Partial<Pick<DrawOptions, "topP" | "topPVariant" | "grid" | "template" | "latent" | "decode" | "temperature" | "onStep">> {
  /** Number of sequences (default 4). */
  n?: number;
  /** Sampling steps T, per block for block-wise methods (default: the length). */
  steps?: number;
  /** A sampler spec, "name" or "name:key=value,..." (default "ancestral"; see samplerSchemas). */
  sampler?: string;
  /** Random seed (default 0): the same seed gives the same sequences. */
  seed?: number;
  /** Sequence length (default: the trained length, or the template's). */
  length?: number;
  /** End a sequence at this one-token text, kept as its last token (methods that generate left to right). */
  stop?: string;
}

/** What LoadedModel.sample returns. */
export interface Samples {
  /** The sampler's canonical spec. */
  sampler: string;
  /** The steps T it ran. */
  steps: number;
  /** Each sequence decoded to text. */
  texts: string[];
  /** Each sequence's token ids. */
  tokens: number[][];
  /** The sampler's cost counters, summed over the sequences. */
  stats: SampleStats;
}

/** Options of LoadedModel.evaluate. */
export interface ModelEvaluateOptions {
  /** Data split (default "valid"). */
  split?: "valid" | "test";
  /** Also estimate the certified T-step bounds with this T (default: only the continuous ones). */
  steps?: number;
  /** Evaluate at most this many length-L chunks (default: all). */
  sequences?: number;
  /** Random seed (default 0). */
  seed?: number;
  /** Also list every sequence's estimate (nats per token, in chunk order) for paired comparisons. */
  perSequence?: boolean;
}

/** A model ready for sampling or evaluation: the method's model with EMA weights, its method, checkpoint metadata and dataset. */
export class LoadedModel {
  constructor(
    /** The method's model (network and denoiser). */
    readonly model: MethodModel,
    /** The method that built it. */
    readonly method: Method,
    /** The checkpoint's metadata (config, step, versions). */
    readonly meta: CheckpointMeta,
    /** The dataset it was trained on (decodes tokens to text). */
    readonly data: TokenDataset<TokenStream>,
    /** The checkpoint file it was loaded from (recorded, by its hash, in the manifest of every result). */
    readonly path?: string,
  ) {}

  /** The training config the checkpoint records. */
  get config(): TrainConfig {
    return this.meta.config;
  }

  /** The sequence length (given, the template's, or the trained one) and T (given, or the length; checked by sample) that sample(o) uses. */
  sampleSizes(o: Pick<ModelSampleOptions, "length" | "steps" | "template">): { length: number; steps: number } {
    const length = checkInteger("length", o.length ?? (o.template === undefined ? this.config.data.seqLen : Array.from(o.template).length), 1);
    return { length, steps: o.steps ?? length };
  }

  /** Draws sequences with any sampler the method supports; a UserError for a request that does not fit the model. */
  sample(o: ModelSampleOptions = {}): Samples {
    const n = checkInteger("n", o.n ?? 4, 1);
    const seed = checkSeed(o.seed ?? 0);
    if (o.topP !== undefined && !(typeof o.topP === "number" && o.topP > 0 && o.topP <= 1)) throw new UserError(`topP must be a number in (0, 1], got ${JSON.stringify(o.topP)}`);
    checkChoice("topPVariant", o.topPVariant, topPVariants);
    checkChoice("grid", o.grid, ["uniform", "cosine"]);
    checkChoice("latent", o.latent, ["fixed", "per-step"]);
    checkChoice("decode", o.decode, ["sample", "argmax"]);
    const spec = o.sampler ?? "ancestral";
    const policy = policyFor(spec, { temperature: o.temperature });
    const { length, steps: T } = this.sampleSizes(o);
    const m = this.config.model;
    // a method with its own generator (block by block) never runs the network on more than the trained length
    const seen = this.model.generate ? Math.min(length, this.config.data.seqLen) : length;
    checkSampleMemory({ vocab: this.data.vocabSize + 1, d: m.d, layers: m.layers, heads: m.heads, cond: m.cond }, n, seen);
    const steps = checkInteger(o.steps === undefined ? "steps (default: the length)" : "steps", T, 1, MAX_SAMPLE_STEPS);
    const stop = o.stop === undefined ? undefined : stopTokenOf(this.data, o.stop);
    const out = drawSamples(this.model, this.data, {
      ...o, n, seed, sampler: spec, steps, length, stop, schedule: this.config.diffusion.schedule,
      supported: this.method.samplers(this.config), supportedWhy: this.method.samplerLimits,
    });
    return { sampler: policy.name, steps, texts: out.map((s) => s.text), tokens: out.map((s) => s.tokens), stats: out[0]!.stats };
  }

  /** Every bound and objective of the method on a split, each labelled certified or not (discrete ones only with `steps`). */
  evaluate(o: ModelEvaluateOptions = {}): (NelboReport & { manifest: ResultManifest })[] {
    const split = o.split ?? "valid";
    if (split !== "valid" && split !== "test") throw new UserError(`split must be "valid" or "test", got ${JSON.stringify(split)}`);
    const steps = o.steps === undefined ? undefined : checkInteger("steps", o.steps, 1);
    const sequences = o.sequences === undefined ? undefined : checkInteger("sequences", o.sequences, 1);
    const seed = checkSeed(o.seed ?? 0);
    checkSplitsFit(this.data, this.config.data.seqLen, [split]);
    const denoiser = this.model.denoiser();
    const bounds = this.method.bounds(this.config).filter((b) => !b.discrete || steps !== undefined);
    const schedule = modelSchedule(this.model, this.config);
    const tMin = 1e-3;
    return bounds.map((b) => {
      const r = evaluateBound(denoiser, b, this.data.splits[split], {
        seqLen: this.config.data.seqLen, schedule, seed, maxSequences: sequences, steps: steps ?? 1, tMin, perSequence: o.perSequence,
      });
      const label = estimatorLabel(b, { schedule, tMin, steps: steps ?? 1 });
      const manifest = resultManifest({ method: this.method.name, estimator: b.name, estimator_label: label, t_range: [b.discrete ? 0 : tMin, 1], n: r.n_sequences, seed, checkpoint: this.path });
      return { ...r, manifest };
    });
  }

}

/** Loads a checkpoint's EMA weights into the model its config describes (any method of the registry), with its dataset. */
export async function loadModel(path: string): Promise<LoadedModel> {
  if (typeof path !== "string" || !existsSync(path)) throw new UserError(`checkpoint ${path} does not exist`);
  if (!statSync(path).isFile()) throw new UserError(`checkpoint ${path} is not a file`);
  const meta = await readCheckpointMeta(path);
  let data: TokenDataset<TokenStream>;
  try {
    data = datasetFromName(meta.config.data.name, dataOptions(meta));
  } catch (e) {
    throw new UserError(`checkpoint ${path} was trained on '${meta.config.data.name}', which cannot be loaded: ${(e as Error).message}`, { cause: e });
  }
  return loadModelOn(path, data, meta);
}

/** Loads a checkpoint's EMA weights with the dataset it was trained on, already in memory (e.g. right after training). */
export async function loadModelOn(path: string, data: TokenDataset<TokenStream>, meta?: CheckpointMeta): Promise<LoadedModel> {
  meta ??= await readCheckpointMeta(path);
  const method = methodNamed(meta.config.method.name);
  const model = method.build(meta.config, data.vocabSize);
  const shapes = Object.fromEntries(model.network.namedParameters().map(([n, p]) => [n, p.shape]));
  const { tensors } = await loadCheckpoint(path, shapes, "float32", ["ema"]);
  model.network.loadStateDict(tensors.ema);
  for (const group of Object.values(tensors)) for (const t of Object.values(group as Record<string, { dispose(): void }>)) t.dispose();
  model.network.eval();
  return new LoadedModel(model, method, meta, data, path);
}
