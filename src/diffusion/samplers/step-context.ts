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

/**
 * The draw function of a step. With one position per token, a draw from the position's μ row. With sub-tokens,
 * position n of token i takes digit n mod ℓ of a class c drawn from μ_i restricted to the classes that agree
 * with the token's currently visible positions in `tokens`: positions of one token revealed in one step thus
 * follow the chain rule of a single draw c ~ μ_i (μ_i already agrees with the state at the step's start).
 */
export function tokenDraws(layout: StateLayout, tokens: Int32Array, probs: Float64Array, rng: Rng): (n: number) => number {
  const { classes: C, positionsPerToken: ell, maskId, digitTable } = layout;
  if (ell === 1) return (n) => sampleCategorical(probs, n * C, C, rng);
  const row = new Float64Array(C);
  return (n) => {
    const i = Math.floor(n / ell);
    for (let c = 0; c < C; c++) {
      let ok = probs[i * C + c]! > 0;
      for (let j = 0; j < ell && ok; j++) {
        const v = tokens[i * ell + j]!;
        ok = v === maskId || digitTable[j * C + c] === v;
      }
      row[c] = ok ? probs[i * C + c]! : 0;
    }
    return symbolOf(layout, sampleCategorical(row, 0, C, rng), n % ell);
  };
}

/** The BeginContext of a step input. */
export function beginContext(x: StepInput): BeginContext {
  return { batch: x.batch, length: x.length, layout: x.layout, steps: x.steps ?? 1, tokens: x.tokens, fixed: x.fixed ?? null };
}

/** The StepContext of a step input. */
export function stepContext(x: StepInput): StepContext {
  return { ...beginContext(x), step: x.step ?? 0, t: x.t, s: x.s, schedule: x.schedule, probs: x.probs, rng: x.rng, draw: tokenDraws(x.layout, x.tokens, x.probs, x.rng) };
}

/** Runs one step of `policy` in place on x.tokens (calling begin first when x.step is 0 or absent). */
export function runPolicyStep(policy: SamplerPolicy, x: StepInput): void {
  if ((x.step ?? 0) === 0) policy.begin?.(beginContext(x));
  policy.step(stepContext(x));
}
