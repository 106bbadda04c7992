/** Likelihood evaluation of a denoiser on a token stream under one of its method's bounds, with standard errors. */
import { Rng } from "../engine/rng.js";
import type { BoundSpec } from "../diffusion/bounds.js";
import type { Denoiser } from "../diffusion/denoiser.js";
import type { Schedule } from "../diffusion/schedule.js";
import { countChunks, sequentialBatches } from "../data/eval-chunks.js";
import type { TokenStream } from "../data/dataset.js";
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

/** Which batches of an evaluation one process computes: those whose index j has j mod count = index. */
export interface EvaluationShare {
  index: number;
  count: number;
}

/**
 * One-sample estimates of `bound` (nats), one per consecutive length-L chunk of stream. Batch j of the chunks
 * draws from its own stream Rng.derived(seed, j), so the values do not depend on which process computes which
 * batch: with `share`, only that share's batches are computed and the other entries are 0 (the shares of all
 * processes add up to the whole).
 */
export function boundValues(denoiser: Denoiser, bound: BoundSpec, stream: TokenStream, opts: EvaluateOptions, share: EvaluationShare = { index: 0, count: 1 }): Float64Array {
  const options = { schedule: opts.schedule, tMin: opts.tMin, steps: opts.steps };
  const B = opts.batch ?? 16;
  const total = Math.min(countChunks(stream.length, opts.seqLen), opts.maxSequences ?? Infinity);
  if (total === 0) throw new Error(`evaluateBound: the stream (${stream.length} tokens) holds no chunk of length ${opts.seqLen}`);
  const values = new Float64Array(total);
  let j = 0;
  for (const b of sequentialBatches(stream, { seqLen: opts.seqLen, batchSize: B, maxChunks: opts.maxSequences })) {
    if (j % share.count === share.index)
      values.set(bound.estimate(denoiser, { tokens: b.data, batch: b.batchSize, length: b.seqLen }, Rng.derived(opts.seed, j), options), j * B);
    j++;
  }
  return values;
}

/** The report of a bound from its per-chunk values (boundValues). */
export function boundReport(values: Float64Array, bound: BoundSpec, opts: EvaluateOptions): NelboReport {
  const options = { schedule: opts.schedule, tMin: opts.tMin, steps: opts.steps };
  const report = { ...summarizeNelbo(values, opts.seqLen), name: bound.name, estimator: bound.label(options), certified: bound.certified };
  return opts.perSequence ? { ...report, values: Array.from(values, (v) => v / opts.seqLen) } : report;
}

/** Estimates `bound` on consecutive length-L chunks of stream (one Monte-Carlo sample per chunk). */
export function evaluateBound(denoiser: Denoiser, bound: BoundSpec, stream: TokenStream, opts: EvaluateOptions): NelboReport {
  return boundReport(boundValues(denoiser, bound, stream, opts), bound, opts);
}
