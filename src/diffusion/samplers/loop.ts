/** The one sampling loop every policy shares: predict (or reuse) -> SUBS -> top-p -> policy step -> bookkeeping. */
import type { Denoiser } from "../denoiser.js";
import { argmaxRow, sampleCategorical } from "./categorical.js";
import { gridPoint } from "./grid.js";
import type { SamplerPolicy } from "./policy.js";
import { PredictionCache } from "./prediction-cache.js";
import type { SampleOptions, SampleResult, StepTrace } from "./sample-options.js";

/** The initial state [B·L] and the fixed-position mask from the prompt. */
function initialState(opts: SampleOptions, V: number): { tokens: Int32Array; fixed: Uint8Array | null } {
  const { batch: B, length: L, prompt } = opts;
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

/**
 * Runs T steps of `policy` from the all-MASK (or prompted) state, then fills any leftover MASK.
 * Caching assumes denoiser.predict is a pure function of (tokens, t), row by row.
 */
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
