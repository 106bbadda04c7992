/** Public API of the samplers: the shared loop, the policy interface, policies and their building blocks. */
export { sample } from "./loop.js";
export type { SampleOptions, SampleResult, SampleStats, StepTrace } from "./sample-options.js";
export type { BeginContext, SamplerPolicy, StepContext } from "./policy.js";
export { ancestralPolicy, unmaskProbability } from "./ancestral.js";
export { confidencePolicy, type ConfidenceOptions } from "./confidence.js";
export { confidenceScore, confidenceScores, type ConfidenceScore } from "./confidence-score.js";
export { masksAfterStep, revealSchedules, type RevealSchedule } from "./reveal-count.js";
export { samplerFromName, samplerNames, type SamplerName, type SamplerOptions } from "./from-name.js";
export { argmaxRow, sampleCategorical } from "./categorical.js";
export { topPInPlace, topPRow, type TopPVariant } from "./top-p.js";
export { gridPoint, gridTime, type GridKind, type GridPoint } from "./grid.js";
export { PredictionCache } from "./prediction-cache.js";
