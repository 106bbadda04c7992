/** Options, counters, trace entries and result of the shared sampling loop. */
import type { Rng } from "../../engine/rng.js";
import type { Schedule } from "../schedule.js";
import type { GridKind } from "./grid.js";
import type { TopPVariant } from "./top-p.js";

/** Options of sample(). */
export interface SampleOptions {
  /** Number of sequences B. */
  batch: number;
  /** Sequence length L in tokens (the state has L·ℓ positions). */
  length: number;
  /** Number of steps T (a variable-step policy ignores it: it steps until no masked position is left). */
  steps: number;
  /** Masking schedule α used by the policy. */
  schedule: Schedule;
  /** Time grid (default: the policy's own grid if it has one, else "uniform"; a different one than the policy's is refused). */
  grid?: GridKind;
  /** Nucleus mass p ∈ (0, 1] applied to μ (default 1: off). */
  topP?: number;
  /** Nucleus variant (default "mdlm"). */
  topPVariant?: TopPVariant;
  /** Seeds one random stream per sequence (successive draws), from which every draw of that sequence comes. */
  rng: Rng;
  /** Record the changes of every step (default false). */
  trace?: boolean;
  /** Called after every step (and the final fill) with its changes and the state after it [B·L·ℓ] (read it, do not keep or change it). */
  onStep?: (entry: StepTrace, state: Int32Array) => void;
  /** Fixed state values, [L·ℓ] (shared) or [B·L·ℓ]; the mask id marks the positions to generate. */
  prompt?: Int32Array;
  /** How masks left after T steps are filled from one last prediction (default "argmax"). */
  finalFill?: "argmax" | "sample";
  /** Reuse μ across steps that changed nothing when the denoiser ignores time (default true; exact). */
  cache?: boolean;
  /** Latent-variable denoisers (VMD): z ~ N(0, I) per sequence drawn once and held ("fixed", the paper's, default) or redrawn every step ("per-step", VADD's). */
  latent?: "fixed" | "per-step";
  /** The value a revealed token takes: a draw from μ ("sample", default) or its most probable class ("argmax", VMD's sampler). */
  decode?: "sample" | "argmax";
}

/** Cost counters of one sample() call. */
export interface SampleStats {
  /** Logical denoiser evaluations: T, plus 1 when a final fill was needed (cached or not). */
  nfe: number;
  /**
   * Real predict() calls: one per step (or final fill) in which some sequence with a MASK had changed
   * since its last prediction, or every such step when caching is off or the denoiser is time-conditioned.
   * Sequences without MASK never need a call (their μ is one-hot).
   */
  nfeNonCached: number;
  /** Sequences passed through predict() over all calls (each call gets only the sequences that need it). */
  predictedRows: number;
  /** Steps after which no token of the batch had changed. */
  idleSteps: number;
  /**
   * Per sequence [B]: the network evaluations it needed — the predict() calls it was passed through, whatever the others
   * in its batch needed (they sum to predictedRows; summarised by sequenceNfeSummary). Under a time-conditioned
   * denoiser or without the cache, the steps (and final fill) that began with a masked position in it.
   */
  sequenceNfe: number[];
}

/**
 * The changes made by one step; step = T denotes the final fill (with t = s = the last grid time). Under a variable-step
 * policy t and s are the latest of the sequences' times before and after the step.
 */
export interface StepTrace {
  /** Step index k (T for the final fill). */
  step: number;
  /** Time before the step. */
  t: number;
  /** Time after the step. */
  s: number;
  /** Flat state positions b·L·ℓ + i that changed, ascending. */
  positions: Int32Array;
  /** Their new values (the mask id for a remask). */
  values: Int32Array;
}

/** What sample() returns. */
export interface SampleResult {
  /** Final classes per token [B·L] (decoded from the state). */
  tokens: Int32Array;
  /** The final state [B·L·ℓ] (equal to tokens at one position per token). */
  states: Int32Array;
  /** B. */
  batch: number;
  /** L, in tokens. */
  length: number;
  /** Cost counters. */
  stats: SampleStats;
  /** Per-step changes when opts.trace was set. */
  trace?: StepTrace[];
}
