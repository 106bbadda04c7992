/** Builds the context of one policy step from (state, probabilities, t, s): the loop and tests drive policies through it. */
import type { Rng } from "../../engine/rng.js";
import type { Schedule } from "../schedule.js";
import { symbolOf, type StateLayout } from "../state-layout.js";
import { sampleCategorical } from "./categorical.js";
import type { BeginContext, SamplerPolicy, StepContext } from "./policy.js";

/** What one step needs besides the policy. */
export interface StepInput {
  layout: StateLayout;
  /** The state [B·length], changed in place. */
  tokens: Int32Array;
  /** μ [B·n·C]. */
  probs: Float64Array;
  batch: number;
  /** State positions per sequence. */
  length: number;
  t: number;
  s: number;
  schedule: Schedule;
  rng: Rng;
  /** Step index (default 0) and number of steps (default 1). */
  step?: number;
  steps?: number;
  fixed?: Uint8Array | null;
}

/** A draw function for a step: one class per token, drawn at the token's first revealed position, then its digits. */
export function tokenDraws(layout: StateLayout, probs: Float64Array, rng: Rng): (n: number) => number {
  const { classes: C, positionsPerToken: ell } = layout;
  if (ell === 1) return (n) => sampleCategorical(probs, n * C, C, rng);
  const drawn = new Map<number, number>();
  return (n) => {
    const i = Math.floor(n / ell);
    let c = drawn.get(i);
    if (c === undefined) {
      c = sampleCategorical(probs, i * C, C, rng);
      drawn.set(i, c);
    }
    return symbolOf(layout, c, n % ell);
  };
}

/** The BeginContext of a step input. */
export function beginContext(x: StepInput): BeginContext {
  return { batch: x.batch, length: x.length, layout: x.layout, steps: x.steps ?? 1, tokens: x.tokens, fixed: x.fixed ?? null };
}

/** The StepContext of a step input. */
export function stepContext(x: StepInput): StepContext {
  return { ...beginContext(x), step: x.step ?? 0, t: x.t, s: x.s, schedule: x.schedule, probs: x.probs, rng: x.rng, draw: tokenDraws(x.layout, x.probs, x.rng) };
}

/** Runs one step of `policy` in place on x.tokens (calling begin first when x.step is 0 or absent). */
export function runPolicyStep(policy: SamplerPolicy, x: StepInput): void {
  if ((x.step ?? 0) === 0) policy.begin?.(beginContext(x));
  policy.step(stepContext(x));
}
