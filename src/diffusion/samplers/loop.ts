/**
 * The one sampling loop every policy shares: (clock) -> predict (or reuse) -> parameterization -> top-p -> policy step ->
 * bookkeeping. Fixed-step policies run T steps on a time grid; variable-step policies run until no masked position is left.
 */
import type { Denoiser } from "../denoiser.js";
import { decodeState, statePositions, symbolOf, type StateLayout } from "../state-layout.js";
import { gridConflict, gridPoint } from "./grid.js";
import { timeAtMaskProb } from "./clock.js";
import type { ClockContext, SamplerPolicy } from "./policy.js";
import { PredictionCache } from "./prediction-cache.js";
import type { SampleOptions, SampleResult, StepTrace } from "./sample-options.js";
import { SequenceStreams } from "./sequence-streams.js";
import { makeStepContext } from "./step-context.js";
import type { TokenSummaries } from "./token-summaries.js";
import { topPVariants } from "./top-p.js";

/** The initial state [B·L] (L state positions) and the fixed-position mask from the prompt. */
function initialState(opts: SampleOptions, L: number, V: number): { tokens: Int32Array; fixed: Uint8Array | null } {
  const { batch: B, prompt } = opts;
  const tokens = new Int32Array(B * L).fill(V);
  if (prompt === undefined) return { tokens, fixed: null };
  if (prompt.length !== L && prompt.length !== B * L) {
    throw new Error(`prompt has length ${prompt.length}, expected L = ${L} or B·L = ${B * L}`);
  }
  const fixed = new Uint8Array(B * L);
  for (let n = 0; n < B * L; n++) {
    const v = prompt[n % prompt.length]!;
    if (!Number.isInteger(v) || v < 0 || v > V) throw new Error(`prompt token ${v} at ${n % prompt.length} is outside 0..${V}`);
    tokens[n] = v;
    fixed[n] = v === V ? 0 : 1;
  }
  return { tokens, fixed };
}

/** Positions where tokens differ from prev; checks values and that no fixed position moved. */
function changes(prev: Int32Array, tokens: Int32Array, fixed: Uint8Array | null, V: number, name: string): number[] {
  const out: number[] = [];
  for (let n = 0; n < tokens.length; n++) {
    if (tokens[n] === prev[n]) continue;
    const v = tokens[n]!;
    if (!Number.isInteger(v) || v < 0 || v > V) throw new Error(`policy '${name}' wrote token ${v} at ${n}, outside 0..${V}`);
    if (fixed !== null && fixed[n]) throw new Error(`policy '${name}' changed prompt position ${n}`);
    out.push(n);
  }
  return out;
}

/** Validates sizes and the policy's support for the layout. */
function checkOptions(denoiser: Denoiser, policy: SamplerPolicy, opts: SampleOptions): void {
  for (const key of ["batch", "length", "steps"] as const) {
    const x = opts[key];
    if (!Number.isInteger(x) || x < 1) throw new Error(`sample: ${key} must be a positive integer, got ${x}`);
  }
  const topP = opts.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new Error(`sample: topP must be in (0, 1], got ${topP}`);
  const variant = opts.topPVariant ?? "mdlm";
  if (!topPVariants.includes(variant)) throw new Error(`sample: unknown topPVariant '${String(variant)}'; valid: ${topPVariants.join(", ")}`);
  if (opts.latent !== undefined && opts.latent !== "fixed" && opts.latent !== "per-step") throw new Error(`sample: unknown latent mode '${String(opts.latent)}'; valid: fixed, per-step`);
  if (opts.decode !== undefined && opts.decode !== "sample" && opts.decode !== "argmax") throw new Error(`sample: unknown decode '${String(opts.decode)}'; valid: sample, argmax`);
  const fill = opts.finalFill ?? "argmax";
  if (fill !== "argmax" && fill !== "sample") throw new Error(`sample: unknown finalFill '${String(fill)}'; valid: argmax, sample`);
  const gridProblem = gridConflict(policy, opts.grid);
  if (gridProblem) throw new Error(`sample: ${gridProblem}`);
  if (denoiser.layout.positionsPerToken > 1 && !policy.subTokens)
    throw new Error(`sample: policy '${policy.name}' works on one position per token; this model writes each token as ${denoiser.layout.positionsPerToken} sub-tokens`);
}

/** Fills every masked position: per token one class (the most probable, or the candidate drawn from μ), then that class's digits. */
function finalFill(tokens: Int32Array, summary: TokenSummaries, layout: StateLayout, how: "argmax" | "sample"): number[] {
  const { positionsPerToken: ell, maskId } = layout;
  const classes = how === "sample" ? summary.candidate : summary.top;
  const filled: number[] = [];
  for (let n = 0; n < tokens.length; n++) {
    if (tokens[n] !== maskId) continue;
    tokens[n] = symbolOf(layout, classes[Math.floor(n / ell)]!, n % ell);
    filled.push(n);
  }
  return filled;
}

/** Masked positions of each sequence [B] of a state of L positions per sequence. */
function maskedCounts(tokens: Int32Array, B: number, L: number, V: number): Int32Array {
  const out = new Int32Array(B);
  for (let n = 0; n < B * L; n++) if (tokens[n] === V) out[Math.floor(n / L)]++;
  return out;
}

/** The default clock of a variable-step policy: each sequence at the time where 1 − α(t) = (1 − α(1))·(masked fraction of its generated positions). */
function maskedFractionClock(ctx: ClockContext): void {
  const { tokens, fixed, batch: B, length: L, layout: { maskId: V }, schedule } = ctx;
  for (let b = 0; b < B; b++) {
    let masked = 0;
    let generated = 0;
    for (let n = b * L; n < (b + 1) * L; n++) {
      if (fixed === null || !fixed[n]) generated++;
      if (tokens[n] === V) masked++;
    }
    if (masked > 0) ctx.times[b] = timeAtMaskProb(schedule, (schedule.maskProb(1) * masked) / generated);
  }
}

/** Throws unless every sequence that had a masked position before a variable-step policy's step has fewer after it. */
function checkProgress(before: Int32Array, after: Int32Array, name: string, k: number): void {
  for (let b = 0; b < before.length; b++) {
    if (before[b]! > 0 && after[b]! >= before[b]!) throw new Error(`policy '${name}' left sequence ${b} with ${after[b]} masked positions at step ${k} (had ${before[b]}): a variable-step policy must reveal, net, at least one per step`);
  }
}

/** The latest of the sequences' times. */
function latest(times: Float64Array): number {
  return times.reduce((a, t) => Math.max(a, t), 0);
}

/**
 * Runs T steps of `policy` from the all-MASK (or prompted) state, then fills any leftover MASK; a variable-step policy
 * (policy.untilDone) instead steps, each sequence on its own clock, until no MASK is left.
 * Caching assumes denoiser.predict is a pure function of (state, t), row by row. A latent-variable denoiser gets one
 * z ~ N(0, I) per sequence from that sequence's stream, held for the whole call or redrawn every step (opts.latent).
 */
export function sample(denoiser: Denoiser, policy: SamplerPolicy, opts: SampleOptions): SampleResult {
  checkOptions(denoiser, policy, opts);
  const layout = denoiser.layout;
  const V = layout.maskId;
  const { batch: B, steps: T, schedule, rng } = opts;
  const L = statePositions(layout, opts.length);
  const grid = policy.grid ?? opts.grid ?? "uniform";
  const { tokens, fixed } = initialState(opts, L, V);
  const n = L / layout.positionsPerToken;
  const streams = new SequenceStreams(rng, B);
  const view = { topP: opts.topP ?? 1, variant: opts.topPVariant ?? "mdlm", needs: policy.needs ?? [] };
  const cache = new PredictionCache(denoiser, B, L, opts.cache ?? true);
  const latentDim = denoiser.latent?.dim ?? 0;
  if (latentDim > 0) cache.setLatent(streams.normals(latentDim));
  const argmax = (opts.decode ?? "sample") === "argmax";
  const summarize = (t: number | Float64Array) => {
    cache.refresh(tokens, t);
    const summary = cache.summaries(tokens, streams.perToken(n), view);
    if (argmax) {
      summary.candidate.set(summary.top);
      summary.candidateProb.set(summary.topProb);
    }
    return summary;
  };
  const trace: StepTrace[] | undefined = opts.trace ? [] : undefined;
  const record = (step: number, t: number, s: number, pos: number[]): void => {
    if (!trace && !opts.onStep) return;
    const entry = { step, t, s, positions: Int32Array.from(pos), values: Int32Array.from(pos, (n) => tokens[n]!) };
    trace?.push(entry);
    opts.onStep?.(entry, tokens);
  };
  const begin = { batch: B, length: L, layout, steps: T, tokens, fixed };
  const untilDone = policy.untilDone === true;
  const clock = policy.clock?.bind(policy) ?? maskedFractionClock;
  const times = new Float64Array(B).fill(1);
  try {
    policy.begin?.(begin);
    const prev = new Int32Array(B * L);
    let idleSteps = 0;
    let lastTime = 1;
    let k = 0;
    for (let before = maskedCounts(tokens, B, L, V); untilDone ? before.some((m) => m > 0) : k < T; k++) {
      let t: number;
      let s: number;
      if (untilDone) {
        t = latest(times);
        clock({ ...begin, step: k, schedule, times, uniform: (b) => streams.next(b) });
        s = latest(times);
      } else ({ t, s } = gridPoint(k, T, grid));
      if (latentDim > 0 && k > 0 && opts.latent === "per-step") cache.setLatent(streams.normals(latentDim));
      const summary = summarize(untilDone ? times : t);
      prev.set(tokens);
      const probsOf = (i: number) => cache.probsOf(tokens, i, view);
      policy.step(makeStepContext({ begin, step: k, t, s, schedule, summary, streams, probsOf }));
      const changed = changes(prev, tokens, fixed, V, policy.name);
      for (const n of changed) cache.invalidate(Math.floor(n / L));
      if (changed.length === 0) idleSteps++;
      record(k, t, s, changed);
      lastTime = s;
      const after = maskedCounts(tokens, B, L, V);
      if (untilDone) checkProgress(before, after, policy.name, k);
      before = after;
    }
    const fill = tokens.includes(V);
    if (fill) record(k, lastTime, lastTime, finalFill(tokens, summarize(lastTime), layout, opts.finalFill ?? "argmax"));
    const stats = { nfe: k + (fill ? 1 : 0), nfeNonCached: cache.calls, predictedRows: cache.rows, idleSteps, sequenceNfe: cache.sequenceRows };
    return { tokens: decodeState(layout, tokens), states: tokens, batch: B, length: opts.length, stats, ...(trace ? { trace } : {}) };
  } finally {
    cache.dispose();
  }
}
