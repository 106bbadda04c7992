/** Likelihood evaluation of a denoiser on a token stream under one of its method's bounds, with standard errors. */
import { Rng } from "../engine/rng.js";
import type { BoundSpec } from "../diffusion/bounds.js";
import type { Denoiser } from "../diffusion/denoiser.js";
import type { Schedule } from "../diffusion/schedule.js";
import { sequentialBatches } from "../data/eval-chunks.js";
import { summarizeNelbo, type NelboSummary } from "./metrics.js";

/** Options of evaluateBound. */
export interface EvaluateOptions {
  seqLen: number;
  schedule: Schedule;
  seed: number;
  /** Evaluate at most this many length-L chunks (default: all). */
  maxSequences?: number;
  /** Sequences per network call (default 16). */
  batch?: number;
  /** T of T-step bounds. */
  steps: number;
  /** Lower end of the time integral of continuous forms (MDLM's protocol: 1e-3). */
  tMin: number;
  /** Also return each sequence's estimate (nats per token), e.g. for paired comparisons of two models on the same chunks. */
  perSequence?: boolean;
}

/** A summary plus what produced it: the bound's name, its label and whether it is a certified upper bound. */
export type NelboReport = NelboSummary & { name: string; estimator: string; certified: boolean; values?: number[] };

/** Estimates `bound` on consecutive length-L chunks of stream (one Monte-Carlo sample per chunk). */
export function evaluateBound(denoiser: Denoiser, bound: BoundSpec, stream: Uint8Array, opts: EvaluateOptions): NelboReport {
  const rng = new Rng(opts.seed);
  const values: number[] = [];
  const options = { schedule: opts.schedule, tMin: opts.tMin, steps: opts.steps };
  for (const b of sequentialBatches(stream, { seqLen: opts.seqLen, batchSize: opts.batch ?? 16, maxChunks: opts.maxSequences })) {
    values.push(...bound.estimate(denoiser, { tokens: b.data, batch: b.batchSize, length: b.seqLen }, rng, options));
  }
  if (values.length === 0) throw new Error(`evaluateBound: the stream (${stream.length} tokens) holds no chunk of length ${opts.seqLen}`);
  const report = { ...summarizeNelbo(values, opts.seqLen), name: bound.name, estimator: bound.label(options), certified: bound.certified };
  return opts.perSequence ? { ...report, values: values.map((v) => v / opts.seqLen) } : report;
}
