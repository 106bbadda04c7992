/** The policy interface: the one part of a sampler that decides how tokens change in a step. */
import type { Schedule } from "../schedule.js";
import type { StateLayout } from "../state-layout.js";
import type { GridKind } from "./grid.js";
import type { TokenScore, TokenSummaries } from "./token-summaries.js";

/** What a policy sees once per sample() call, before the first step. */
export interface BeginContext {
  /** Batch size B. */
  readonly batch: number;
  /** State positions per sequence (tokens × positions per token). */
  readonly length: number;
  /** How positions map to tokens and classes; layout.maskId is the mask. */
  readonly layout: StateLayout;
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
  /**
   * μ per token (after the parameterization and top-p) reduced to arrays [B·n]: a candidate class drawn from μ,
   * the most probable class, their probabilities, and the scores in the policy's `needs`. Read-only.
   */
  readonly summary: TokenSummaries;
  /**
   * A uniform on [0, 1) from the random stream of position n's sequence: a policy's draws must come from here
   * (in an order fixed by the state), so that a sequence's sample depends only on its own stream.
   */
  uniform(n: number): number;
  /**
   * The value a revealed position n takes: digit n mod ℓ of its token's candidate class (at one position per
   * token, the candidate itself). One class per token and step, so the positions of a token revealed in one
   * step jointly follow one draw from μ (MDM-Prime's sampler; μ agrees with the state at the step's start).
   */
  draw(n: number): number;
  /** μ [C] of token i (float64), for inspection and tests: one engine call per token, never needed by a policy step. */
  probsOf(i: number): Float64Array;
}

/** What a variable-step policy's clock sees before each step's prediction. */
export interface ClockContext extends BeginContext {
  /** Step index k. */
  readonly step: number;
  /** The masking schedule α. */
  readonly schedule: Schedule;
  /** The current state [B·L]; read-only. */
  readonly tokens: Int32Array;
  /** Each sequence's time [B]: read as its current time, overwritten with the time this step predicts and moves it to. */
  readonly times: Float64Array;
  /** A uniform on [0, 1) from sequence b's stream (b a sequence index, not a position). */
  uniform(b: number): number;
}

/** A sampler policy: one step of the reverse process, called by the shared loop. */
export interface SamplerPolicy {
  /** Name as accepted by samplerFromName (with options folded in where they matter). */
  readonly name: string;
  /** Optional per-call setup (e.g. per-position scores that live across steps). */
  begin?(ctx: BeginContext): void;
  /** Moves ctx.tokens from z_t to z_s in place. */
  step(ctx: StepContext): void;
  /** Whether the policy works on states with several positions per token (it reveals only through ctx.draw). */
  readonly subTokens?: boolean;
  /** Scores beyond candidate and top the policy reads from ctx.summary (default none). */
  readonly needs?: readonly TokenScore[];
  /**
   * A variable-step policy: the loop ignores T and its grid and steps until no masked position is left. Every step
   * must leave each sequence that had a masked position with fewer of them (the loop refuses a step that does not).
   */
  readonly untilDone?: boolean;
  /**
   * The clock of a variable-step policy: sets each sequence's time for the coming step (default: the time at which
   * 1 − α equals the sequence's masked fraction of its generated positions). The network is evaluated at that time.
   */
  clock?(ctx: ClockContext): void;
  /** The time grid this policy requires (the ReMDM samplers' compat=official sets "official"); sample() refuses another. */
  readonly grid?: GridKind;
}
