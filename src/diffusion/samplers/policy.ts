/** The policy interface: the one part of a sampler that decides how tokens change in a step. */
import type { Rng } from "../../engine/rng.js";
import type { Schedule } from "../schedule.js";
import type { StateLayout } from "../state-layout.js";
import type { GridKind } from "./grid.js";

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
  /** μ [B·n·C] per token after the parameterization and top-p (one-hot on fully revealed tokens); read-only, the loop may reuse it. */
  readonly probs: Float64Array;
  /** The random stream; a policy's draws must depend only on this stream, the state and μ. */
  readonly rng: Rng;
  /**
   * The value a revealed position n takes: at one position per token, a draw from μ; with sub-tokens, the digit
   * at n of a class drawn from its token's μ given the token's visible digits, so that the positions of one
   * token revealed in a step jointly follow one class drawn from μ (it reads ctx.tokens as the step goes).
   */
  draw(n: number): number;
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
  /** The time grid this policy requires (the ReMDM samplers' compat=official sets "official"); sample() refuses another. */
  readonly grid?: GridKind;
}
