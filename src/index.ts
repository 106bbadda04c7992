/**
 * maskdiff as a library: train masked discrete diffusion models, load checkpoints, sample and evaluate,
 * the registries of methods, samplers and datasets, and the tensor engine (also at "maskdiff/engine").
 */
export { MaskdiffError, UserError, BindingError, type MaskdiffErrorCode } from "./errors.js";
export { loadModel, LoadedModel, type ModelSampleOptions, type ModelEvaluateOptions, type Samples } from "./api/load-model.js";
export { train, type TrainRunOptions, type TrainRun } from "./api/train.js";
export { compareSamplers, type CompareSamplersOptions } from "./api/compare-samplers.js";
export { samplerSchemas, samplerPolicy, type SamplerSchema, type SamplerOptionSchema } from "./api/sampler-schemas.js";
export { TrainConfigSchema, parseTrainConfig, loadTrainConfig, type TrainConfig } from "./train/config.js";
export type { StepReport } from "./train/trainer.js";
export type { NelboReport } from "./eval/evaluate.js";
export type { NelboSummary } from "./eval/metrics.js";
export type { CheckpointMeta } from "./train/checkpoint.js";
export type { SamplerEvalRow } from "./eval/sampler-eval.js";
export { samplerNames, type SamplerName, type SamplerPolicy, type SampleStats } from "./diffusion/samplers/index.js";
export { methods, methodNamed, type MethodSection } from "./methods/registry.js";
export type { Method, MethodModel } from "./methods/method.js";
export { DATASET_NAMES, datasetFromName, type DatasetOptions } from "./data/registry.js";
export type { TokenDataset, Splits, DatasetMeta } from "./data/dataset.js";
export { CHAR_ALPHABET, CHAR_VOCAB_SIZE, normalizeText, encode, decode } from "./data/char-text.js";
export { Tensor, tensor, tidy, keep, noGrad, type DType } from "./engine/index.js";
