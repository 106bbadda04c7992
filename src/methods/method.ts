/** The contract every method folder fulfils; the trainer, checkpoints and CLI see methods only through it. */
import type { z } from "zod";
import type { Tensor } from "../engine/index.js";
export type { BoundSpec } from "../diffusion/bounds.js";
import type { BoundSpec } from "../diffusion/bounds.js";
import type { Denoiser } from "../diffusion/denoiser.js";
import type { BatchUniform } from "../diffusion/process.js";
import type { Schedule } from "../diffusion/schedule.js";
import type { SamplerPolicy } from "../diffusion/samplers/policy.js";
import type { SampleOptions, SampleStats } from "../diffusion/samplers/sample-options.js";
import type { DenoisingNetwork } from "../models/net-denoiser.js";
import type { TrainConfig } from "../train/config.js";

/** A training loss: the scalar the optimiser minimises and named terms (nats per token) for the log. */
export interface LossOutput {
  loss: Tensor;
  terms: Record<string, number>;
  /** The objective's value to report (bpc in logs and progress) when the loss adds terms that are not part of it, e.g. a score-function surrogate; default: the loss. */
  objective?: number;
}

/** What a loss sees of one batch. */
export interface LossInput {
  /** Clean tokens int64 [B, L]. */
  x: Tensor;
  /** Diffusion times drawn by the trainer: Method.timesPerSequence per sequence, sequence-major [B·k] (k = 1: one per sequence). */
  t: Float64Array;
  schedule: Schedule;
  /** Optimiser steps taken before this one (for annealed terms; absent: fully annealed). */
  step?: number;
  /**
   * The uniform noise of the loss's random draws, first dimension = B (default: the engine's rand). The trainer's
   * draws the noise of the whole global batch and hands this rank its rows, so that N data-parallel processes
   * draw exactly what one process with the global batch would.
   */
  uniform?: BatchUniform;
}

/** A model a method built: the trainable network, its evaluation view, and its training loss. */
export interface MethodModel {
  readonly network: DenoisingNetwork;
  /** The network as a Denoiser (evaluation mode, float64 logits). */
  denoiser(): Denoiser;
  /** The training loss of one batch (autograd on). */
  loss(input: LossInput): LossOutput;
  /**
   * The schedule the model learned (a snapshot of the current weights), when it learns one: it then replaces the
   * config's diffusion.schedule for evaluation and sampling. Absent for fixed schedules.
   */
  learnedSchedule?(): Schedule;
  /** Draws sequences with a policy, for methods that generate piece by piece (block diffusion); see generate() in generate.ts. */
  generate?(policy: SamplerPolicy, opts: GenerateOptions): GenerateResult;
}

/** Options of a generation: the loop's options (length = tokens to generate), plus a stop rule. */
export interface GenerateOptions extends SampleOptions {
  /** A token id that ends a sequence (kept as its last token); only methods that generate left to right honour it. */
  stopToken?: number;
  /**
   * Block-wise methods: generate the batch's sequences together (the prefix recomputed at every call, no KV cache)
   * instead of one after the other — the same law, other draws; within the trained length, no stop token. Default false.
   */
  together?: boolean;
}

/** Generated sequences (of their own lengths when a stop rule cut them) and the cost counters, summed over the loop's calls. */
export interface GenerateResult {
  sequences: Int32Array[];
  stats: SampleStats;
}

/** A method: a folder in src/methods with one registry line. */
export interface Method {
  /** The config's method.name. */
  readonly name: string;
  /** Schema of the config's `method` section ({ name: literal, ...options }). */
  readonly schema: z.ZodObject<{ name: z.ZodLiteral<string> } & z.ZodRawShape>;
  /** Builds the network for a config and a dataset of `classes` real classes. */
  build(config: TrainConfig, classes: number): MethodModel;
  /** The bounds `eval` reports and training validates with (the first one is the validation number). */
  bounds(config: TrainConfig): BoundSpec[];
  /** Sampler names (see samplerNames) that work with this method's states. */
  samplers(config: TrainConfig): readonly string[];
  /** Why samplers outside samplers() are refused, when the method has a reason to give (shown with the refusal). */
  readonly samplerLimits?: string;
  /** One line describing the method's setting for a config (printed by train). */
  describe(config: TrainConfig): string;
  /** Diffusion times the trainer draws per sequence (default 1; block diffusion: one per block). */
  timesPerSequence?(config: TrainConfig): number;
  /** The public MDLM-family checkpoint format whose DiT this method runs, for `maskdiff import <format>`. */
  readonly importFormat?: ImportFormat;
}

/** A public checkpoint format (an MDLM-layout DiT) that `maskdiff import` turns into a checkpoint of the method declaring it. */
export interface ImportFormat {
  /** The format's name on the command line, e.g. "mdlm". */
  readonly name: string;
  /** Whether the file was trained with a block size L′ (from --block or config.json's block_size), which the method section records. */
  readonly blocks: boolean;
  /** The config's method section for an imported file (block: its block size when `blocks`). */
  section(block: number | undefined): { name: string } & Record<string, unknown>;
}
