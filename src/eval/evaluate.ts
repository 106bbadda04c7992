/** Likelihood evaluation of a denoiser on a token stream: continuous or T-step NELBO with standard errors. */
import { Rng } from "../engine/rng.js";
import type { Denoiser } from "../diffusion/denoiser.js";
import { continuousNelbo } from "../diffusion/losses/continuous.js";
import { discreteNelbo } from "../diffusion/losses/discrete.js";
import type { Schedule } from "../diffusion/schedule.js";
import { sequentialBatches } from "../data/eval-chunks.js";
import { summarizeNelbo, type NelboSummary } from "./metrics.js";

/** Options of evaluateNelbo. */
export interface EvaluateOptions {
  seqLen: number;
  schedule: Schedule;
  seed: number;
  /** Evaluate at most this many length-L chunks (default: all). */
  maxSequences?: number;
  /** Sequences per network call (default 16). */
  batch?: number;
  /** T for the T-step discrete bound; omitted = continuous time. */
  steps?: number;
  /** Lower end of the time integral for the continuous bound (MDLM's protocol: 1e-3). */
  tMin?: number;
}

/** A NELBO summary plus which estimator produced it. */
export type NelboReport = NelboSummary & { estimator: string };

/** Estimates the NELBO of consecutive length-L chunks of stream (one Monte-Carlo sample per chunk). */
export function evaluateNelbo(denoiser: Denoiser, stream: Uint8Array, opts: EvaluateOptions): NelboReport {
  const rng = new Rng(opts.seed);
  const tMin = opts.tMin ?? 1e-3;
  const values: number[] = [];
  for (const b of sequentialBatches(stream, { seqLen: opts.seqLen, batchSize: opts.batch ?? 16, maxChunks: opts.maxSequences })) {
    const x = { tokens: b.data, batch: b.batchSize, length: b.seqLen };
    const v = opts.steps
      ? discreteNelbo(denoiser, x, opts.schedule, opts.steps, rng)
      : continuousNelbo(denoiser, x, opts.schedule, rng, { tMin });
    values.push(...v);
  }
  if (values.length === 0) throw new Error(`evaluateNelbo: the stream (${stream.length} tokens) holds no chunk of length ${opts.seqLen}`);
  const estimator = opts.steps ? `discrete T=${opts.steps}` : `continuous t∈[${tMin}, 1]`;
  return { ...summarizeNelbo(values, opts.seqLen), estimator };
}
