/** The policy interface: the one part of a sampler that decides how tokens change in a step. */
import type { Rng } from "../../engine/rng.js";
import type { Schedule } from "../schedule.js";

/** What a policy sees once per sample() call, before the first step. */
export interface BeginContext {
  /** Batch size B. */
  readonly batch: number;
  /** Sequence length L. */
  readonly length: number;
  /** Number of real classes V; the mask id is V. */
  readonly vocabSize: number;
  /** Number of steps T. */
  readonly steps: number;
  /** The initial state [B·L] (all MASK except prompt tokens); read-only. */
  readonly tokens: Int32Array;
  /** 1 at prompt positions [B·L] (the policy must never change them), or null without a prompt. */
  readonly fixed: Uint8Array | null;
}

/** What a policy sees at step k, moving the state from time t to time s < t. */
export interface StepContext extends BeginContext {
  /** Step index k ∈ [0, T). */
  readonly step: number;
  /** Current time. */
  readonly t: number;
  /** Target time. */
  readonly s: number;
  /** The masking schedule α. */
  readonly schedule: Schedule;
  /**
   * The state z_t [B·L]; the policy overwrites it in place with z_s. It may reveal (MASK → v) and,
   * for remasking policies, remask (v → MASK); the loop finds the changes by comparison.
   */
  readonly tokens: Int32Array;
  /** μ [B·L·V] after SUBS and top-p (one-hot at revealed positions); read-only, the loop may reuse it. */
  readonly probs: Float64Array;
  /** The random stream; a policy's draws must depend only on this stream, the state and μ. */
  readonly rng: Rng;
}

/** A sampler policy: one step of the reverse process, called by the shared loop. */
export interface SamplerPolicy {
  /** Name as accepted by samplerFromName (with options folded in where they matter). */
  readonly name: string;
  /** Optional per-call setup (e.g. per-position scores that live across steps). */
  begin?(ctx: BeginContext): void;
  /** Moves ctx.tokens from z_t to z_s in place. */
  step(ctx: StepContext): void;
}
