/** The one sampling loop every policy shares: predict (or reuse) -> SUBS -> top-p -> policy step -> bookkeeping. */
import type { Rng } from "../../engine/rng.js";
import type { Denoiser } from "../denoiser.js";
import type { Schedule } from "../schedule.js";
import { argmaxRow, sampleCategorical } from "./categorical.js";
import { gridPoint, type GridKind } from "./grid.js";
import type { SamplerPolicy } from "./policy.js";
import { PredictionCache } from "./prediction-cache.js";
import type { TopPVariant } from "./top-p.js";

/** Options of sample(). */
export interface SampleOptions {
  /** Number of sequences B. */
  batch: number;
  /** Sequence length L. */
  length: number;
  /** Number of steps T. */
  steps: number;
  /** Masking schedule α used by the policy. */
  schedule: Schedule;
  /** Time grid (default "uniform"). */
  grid?: GridKind;
  /** Nucleus mass p ∈ (0, 1] applied to μ (default 1: off). */
  topP?: number;
  /** Nucleus variant (default "mdlm"). */
  topPVariant?: TopPVariant;
  /** Random stream for every draw. */
  rng: Rng;
  /** Record the changes of every step (default false). */
  trace?: boolean;
  /** Fixed tokens, [L] (shared) or [B·L]; MASK (= V) marks the positions to generate. */
  prompt?: Int32Array;
  /** How masks left after T steps are filled from one last prediction (default "argmax"). */
  finalFill?: "argmax" | "sample";
  /** Reuse μ across steps that changed nothing when the denoiser ignores time (default true; exact). */
  cache?: boolean;
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
}

/** The changes made by one step; step = T denotes the final fill (with t = s = the last grid time). */
export interface StepTrace {
  /** Step index k (T for the final fill). */
  step: number;
  /** Time before the step. */
  t: number;
  /** Time after the step. */
  s: number;
  /** Flat positions b·L + i that changed, ascending. */
  positions: Int32Array;
  /** Their new values (V = MASK for a remask). */
  values: Int32Array;
}

/** What sample() returns. */
export interface SampleResult {
  /** Final tokens [B·L] (no MASK left). */
  tokens: Int32Array;
  /** B. */
  batch: number;
  /** L. */
  length: number;
  /** Cost counters. */
  stats: SampleStats;
  /** Per-step changes when opts.trace was set. */
  trace?: StepTrace[];
}

/** The initial state [B·L] and the fixed-position mask from the prompt. */
function initialState(opts: SampleOptions, V: number): { tokens: Int32Array; fixed: Uint8Array | null } {
  const { batch: B, length: L, prompt } = opts;
  const tokens = new Int32Array(B * L).fill(V);
  if (prompt === undefined) return { tokens, fixed: null };
  if (prompt.length !== L && prompt.length !== B * L) throw new Error(`prompt has length ${prompt.length}, expected L = ${L} or B·L = ${B * L}`);
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

/** Validates sizes and returns the number of classes. */
function checkOptions(denoiser: Denoiser, opts: SampleOptions): number {
  for (const key of ["batch", "length", "steps"] as const) {
    const x = opts[key];
    if (!Number.isInteger(x) || x < 1) throw new Error(`sample: ${key} must be a positive integer, got ${x}`);
  }
  const topP = opts.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new Error(`sample: topP must be in (0, 1], got ${topP}`);
  const variant = opts.topPVariant ?? "mdlm";
  if (variant !== "mdlm" && variant !== "md4") throw new Error(`sample: unknown topPVariant '${String(variant)}'; valid: mdlm, md4`);
  const fill = opts.finalFill ?? "argmax";
  if (fill !== "argmax" && fill !== "sample") throw new Error(`sample: unknown finalFill '${String(fill)}'; valid: argmax, sample`);
  const V = denoiser.vocabSize;
  if (!Number.isInteger(V) || V < 1) throw new Error(`sample: denoiser vocabSize must be a positive integer, got ${V}`);
  return V;
}

/** Runs T steps of `policy` from the all-MASK (or prompted) state, then fills any leftover MASK. */
export function sample(denoiser: Denoiser, policy: SamplerPolicy, opts: SampleOptions): SampleResult {
  const V = checkOptions(denoiser, opts);
  const { batch: B, length: L, steps: T, schedule, rng } = opts;
  const grid = opts.grid ?? "uniform";
  const { tokens, fixed } = initialState(opts, V);
  const cache = new PredictionCache(denoiser, B, L, opts.topP ?? 1, opts.topPVariant ?? "mdlm", opts.cache ?? true);
  const trace: StepTrace[] | undefined = opts.trace ? [] : undefined;
  const record = (step: number, t: number, s: number, pos: number[]): void => {
    trace?.push({ step, t, s, positions: Int32Array.from(pos), values: Int32Array.from(pos, (n) => tokens[n]!) });
  };
  const base = { batch: B, length: L, vocabSize: V, steps: T, tokens, fixed };
  policy.begin?.(base);
  const prev = new Int32Array(B * L);
  let idleSteps = 0;
  let lastTime = 1;
  for (let k = 0; k < T; k++) {
    const { t, s } = gridPoint(k, T, grid);
    cache.refresh(tokens, t);
    prev.set(tokens);
    policy.step({ ...base, step: k, t, s, schedule, probs: cache.probs, rng });
    const changed = changes(prev, tokens, fixed, V, policy.name);
    for (const n of changed) cache.invalidate(Math.floor(n / L));
    if (changed.length === 0) idleSteps++;
    record(k, t, s, changed);
    lastTime = s;
  }
  const fill = tokens.includes(V);
  if (fill) {
    cache.refresh(tokens, lastTime);
    const filled: number[] = [];
    for (let n = 0; n < B * L; n++) {
      if (tokens[n] !== V) continue;
      tokens[n] = opts.finalFill === "sample" ? sampleCategorical(cache.probs, n * V, V, rng) : argmaxRow(cache.probs, n * V, V);
      filled.push(n);
    }
    record(T, lastTime, lastTime, filled);
  }
  const stats = { nfe: T + (fill ? 1 : 0), nfeNonCached: cache.calls, predictedRows: cache.rows, idleSteps };
  return { tokens, batch: B, length: L, stats, ...(trace ? { trace } : {}) };
}
