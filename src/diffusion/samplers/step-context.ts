/** Builds the context of one policy step: from the loop's per-token summaries, or (tests) from μ given as an array. */
import { tensor, tidy } from "../../engine/index.js";
import type { Rng } from "../../engine/rng.js";
import type { Schedule } from "../schedule.js";
import { symbolOf, type StateLayout } from "../state-layout.js";
import type { BeginContext, SamplerPolicy, StepContext } from "./policy.js";
import { SequenceStreams } from "./sequence-streams.js";
import { emptySummaries, muRows, summarizeRows, type TokenScore, type TokenSummaries } from "./token-summaries.js";

/** What a step context is made of. */
export interface StepParts {
  begin: BeginContext;
  step: number;
  t: number;
  s: number;
  schedule: Schedule;
  summary: TokenSummaries;
  streams: SequenceStreams;
  /** μ [C] of token i. */
  probsOf(i: number): Float64Array;
}

/** The StepContext of its parts: draw(n) copies the candidate's digit, uniform(n) reads n's sequence stream. */
export function makeStepContext(p: StepParts): StepContext {
  const { layout, length: L } = p.begin;
  const ell = layout.positionsPerToken;
  const { candidate } = p.summary;
  return {
    ...p.begin,
    step: p.step,
    t: p.t,
    s: p.s,
    schedule: p.schedule,
    summary: p.summary,
    uniform: (n) => p.streams.next(Math.floor(n / L)),
    draw: (n) => symbolOf(layout, candidate[Math.floor(n / ell)]!, n % ell),
    probsOf: p.probsOf,
  };
}

/** One step given μ as an array (tests and exact checks drive policies through it). */
export interface StepInput {
  layout: StateLayout;
  /** The state [B·length], changed in place. */
  tokens: Int32Array;
  /** μ [B·n·C] (rows need not be normalised; zeros are excluded classes). */
  probs: Float64Array;
  batch: number;
  /** State positions per sequence. */
  length: number;
  t: number;
  s: number;
  schedule: Schedule;
  /** Seeds the per-sequence streams of this step. */
  rng: Rng;
  /** Step index (default 0) and number of steps (default 1). */
  step?: number;
  steps?: number;
  fixed?: Uint8Array | null;
}

/** The BeginContext of a step input. */
export function beginContext(x: StepInput): BeginContext {
  return { batch: x.batch, length: x.length, layout: x.layout, steps: x.steps ?? 1, tokens: x.tokens, fixed: x.fixed ?? null };
}

/** Every score, for test steps. */
const allScores: readonly TokenScore[] = ["margin", "entropy"];

/** The StepContext of a step input: every token summarised on the engine from log μ, one stream per sequence. */
export function stepContext(x: StepInput): StepContext {
  const C = x.layout.classes;
  const tokens = x.probs.length / C;
  if (!Number.isInteger(tokens) || tokens !== (x.batch * x.length) / x.layout.positionsPerToken)
    throw new Error(`stepContext: μ has ${x.probs.length} entries, expected B·n·C = ${(x.batch * x.length * C) / x.layout.positionsPerToken}`);
  const streams = new SequenceStreams(x.rng, x.batch);
  const u = streams.perToken(tokens / x.batch);
  const o = { topP: 1, variant: "mdlm" as const, needs: allScores };
  const summary = emptySummaries(tokens, o.needs);
  const logits = () => tensor(x.probs.map(Math.log), [tokens, C], { dtype: "float64" });
  tidy(() => summarizeRows(logits(), u, o, summary, Int32Array.from({ length: tokens }, (_, i) => i)));
  const probsOf = (i: number) => tidy(() => muRows(logits().slice(0, i, i + 1), o).toFloat64Array());
  return makeStepContext({ begin: beginContext(x), step: x.step ?? 0, t: x.t, s: x.s, schedule: x.schedule, summary, streams, probsOf });
}

/** Runs one step of `policy` in place on x.tokens (calling begin first when x.step is 0 or absent). */
export function runPolicyStep(policy: SamplerPolicy, x: StepInput): void {
  if ((x.step ?? 0) === 0) policy.begin?.(beginContext(x));
  policy.step(stepContext(x));
}
