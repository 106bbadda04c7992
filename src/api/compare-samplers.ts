/** Comparing samplers across step counts on a model trained on the HMM oracle, scored by the oracle's exact likelihood. */
import { hmmOracleOf } from "../data/hmm-dataset.js";
import { UserError } from "../errors.js";
import { evaluateSamplers, type SamplerEvalRow } from "../eval/sampler-eval.js";
import { oracleReference } from "../eval/sampler-eval-oracle.js";
import { checkSeed } from "../engine/seed.js";
import { modelSchedule } from "../methods/model-schedule.js";
import { checkInteger } from "./check-option.js";
import { checkSupported } from "./check-supported.js";
import { MAX_SAMPLE_STEPS, policyFor } from "./draw-samples.js";
import type { LoadedModel } from "./load-model.js";

/** Options of compareSamplers. */
export interface CompareSamplersOptions {
  /** Sampler specs, "name" or "name:key=value,...". */
  samplers: readonly string[];
  /** Step counts T. */
  steps: readonly number[];
  /** Samples per sampler and T (at least 2). */
  n: number;
  /** Seed, the same for every sampler and T (default 0). */
  seed?: number;
  /** Nucleus mass in (0, 1] (default 1: off). */
  topP?: number;
  /** Add-alpha smoothing of the samples' trigram counts. */
  trigramAlpha?: number;
  /** Include a first row of samples of the true HMM (default true). */
  reference?: boolean;
  /** Monte-Carlo draws per sample of the model's entropy bound (default 4; 0: skip it, leaving the Markov bound alone; see sampler-eval-entropy.ts). */
  entropyDraws?: number;
  /** A row already computed (e.g. read back from a resumed table): used as is instead of being recomputed. */
  done?: (sampler: string, T: number | null) => SamplerEvalRow | undefined;
  /** Called after each computed row, e.g. for progress. */
  onRow?: (row: SamplerEvalRow) => void;
}

/** One row per sampler × T (reference row first): the samples' NLL under the true HMM, trigram KL, NFE, time. */
export function compareSamplers(model: LoadedModel, o: CompareSamplersOptions): SamplerEvalRow[] {
  const { config, data, method } = model;
  const hmm = hmmOracleOf(data);
  if (hmm === null)
    throw new UserError(`the model was trained on '${config.data.name}', not on the HMM oracle: comparing samplers needs the oracle's exact likelihood (train with data.name "hmm", e.g. configs/hmm-oracle.json)`);
  const supported = method.samplers(config);
  checkSupported("samplers", o.samplers, method, supported);
  if (o.samplers.length === 0) throw new UserError("compareSamplers: no samplers given");
  for (const spec of o.samplers) policyFor(spec, {});
  const n = checkInteger("n", o.n, 2);
  for (const T of o.steps) checkInteger("each of steps", T, 1, MAX_SAMPLE_STEPS);
  const seed = checkSeed(o.seed ?? 0);
  const draws = checkInteger("entropyDraws", o.entropyDraws ?? 4, 0);
  const bound = method.bounds(config).find((b) => b.certified);
  const oracle = oracleReference(hmm, config.data.seqLen, data.meta.entropyRateNats as number, { seed });
  return evaluateSamplers(model.model.denoiser(), oracle, {
    samplers: o.samplers, steps: o.steps, n, seed, topP: o.topP, trigramAlpha: o.trigramAlpha, reference: o.reference,
    schedule: modelSchedule(model.model, config), onRow: o.onRow, done: o.done,
    ...(bound && draws > 0 ? { entropy: { bound, draws, seed } } : {}), manifest: { method: method.name, checkpoint: model.path }, ...(model.model.generate ? { generate: model.model.generate } : {}),
  });
}
