/**
 * Block-by-block generation (§5.5): each block starts all-masked and is denoised by one call of the shared sampling loop,
 * next to the clean earlier blocks (keys and values from a KvCache, or recomputed). Past the trained length the context
 * slides by whole blocks: the model always sees at most the trained length, positions from 0, re-encoded after each slide.
 * Sequences are generated one after the other: the loop re-predicts only the rows that changed, without saying which
 * sequence a row belongs to, so a block Denoiser is bound to one sequence's prefix (every row it sees shares it).
 */
import type { Denoiser } from "../../diffusion/denoiser.js";
import type { Parameterization } from "../../diffusion/parameterization.js";
import { sample } from "../../diffusion/samplers/loop.js";
import type { SamplerPolicy } from "../../diffusion/samplers/policy.js";
import type { SampleStats } from "../../diffusion/samplers/sample-options.js";
import type { StateLayout } from "../../diffusion/state-layout.js";
import type { DiT } from "../../models/dit.js";
import type { GenerateOptions, GenerateResult } from "../method.js";
import { cachedBlockDenoiser, recomputingBlockDenoiser, statePrefixBlockDenoiser } from "./block-denoiser.js";
import { KvCache } from "./kv-cache.js";

/** A block-diffusion model as the generator needs it. */
export interface BlockModel {
  network: DiT;
  layout: StateLayout;
  parameterization: Parameterization;
  blockSize: number;
  /** The trained sequence length: the context never grows past it. */
  window: number;
  /** Dimensions of a latent per block (latent-conditioned networks): the loop draws it from N(0, I) for each block. Default 0: none. */
  latentDim?: number;
}

/** A block's Denoiser marked as conditioned on a latent of `dim` per row, which the sampling loop draws (unchanged for dim 0). */
function withBlockLatent(d: Denoiser, dim = 0): Denoiser {
  if (dim === 0) return d;
  const posterior = (): never => {
    throw new Error("block generation: a block's denoiser has no encoder");
  };
  return { ...d, latent: { dim, posterior } };
}

/** Options of generateBlocks. */
export interface BlockGenerateOptions extends GenerateOptions {
  /** Read the clean blocks' keys and values from a cache (default true) or recompute the prefix at every call (exact both ways). */
  kvCache?: boolean;
  /** Wraps each block's Denoiser, given the clean prefix it conditions on (whole blocks, positions from 0); one-at-a-time generation only. */
  wrap?: (denoiser: Denoiser, prefix: Int32Array) => Denoiser;
}

/** Longest clean context (whole blocks of blockSize) that fits in the window with a block of n tokens after it. */
export function contextLimit(window: number, blockSize: number, n = blockSize): number {
  return Math.floor((window - n) / blockSize) * blockSize;
}

/** Adds b's counters to a (the per-sequence ones are summed by the caller). */
function addStats(a: SampleStats, b: SampleStats): void {
  a.nfe += b.nfe;
  a.nfeNonCached += b.nfeNonCached;
  a.predictedRows += b.predictedRows;
  a.idleSteps += b.idleSteps;
}

/** The given positions (a template: mask id = free) of sequence b at positions from..from+n−1, from a prompt of [L] (shared) or [B·L]. */
function promptSlice(prompt: Int32Array | undefined, L: number, b: number, from: number, n: number): Int32Array | undefined {
  if (prompt === undefined) return undefined;
  const at = prompt.length === L ? from : b * L + from;
  return prompt.subarray(at, at + n);
}

/** Sequence b: blocks of opts.steps steps each (the last one cut to the length) until opts.length tokens or the stop token. */
function generateOne(m: BlockModel, policy: SamplerPolicy, opts: BlockGenerateOptions, stats: SampleStats, b: number): Int32Array {
  let nfe = 0;
  const Lb = m.blockSize;
  const out: number[] = [];
  const cache = opts.kvCache === false ? null : new KvCache(m.network, Lb);
  let cacheStart = 0;
  try {
    while (out.length < opts.length) {
      // the last block is as long as what is left, as a short last block was in training
      const n = Math.min(Lb, opts.length - out.length);
      const start = out.length - Math.min(out.length, contextLimit(m.window, Lb, n));
      const prefix = Int32Array.from(out.slice(start));
      if (cache && cacheStart === start) cache.append(prefix.subarray(cache.length));
      else if (cache) {
        cache.clear(); // the window slid: re-encode its blocks from position 0
        cache.append(prefix);
        cacheStart = start;
      }
      const base = cache ? cachedBlockDenoiser(cache, m.layout, m.parameterization) : recomputingBlockDenoiser(m.network, prefix, Lb, m.layout, m.parameterization);
      const denoiser = withBlockLatent(opts.wrap ? opts.wrap(base, prefix) : base, m.latentDim);
      const r = sample(denoiser, policy, { ...opts, batch: 1, length: n, prompt: promptSlice(opts.prompt, opts.length, b, out.length, n) });
      addStats(stats, r.stats);
      nfe += r.stats.sequenceNfe[0]!;
      const stop = opts.stopToken === undefined ? -1 : r.tokens.indexOf(opts.stopToken);
      out.push(...(stop >= 0 ? r.tokens.subarray(0, stop + 1) : r.tokens));
      if (stop >= 0) break;
    }
  } finally {
    cache?.clear();
  }
  stats.sequenceNfe.push(nfe);
  return Int32Array.from(out);
}

/**
 * opts.batch sequences of up to opts.length tokens, one after the other from one random stream; opts.steps steps per block.
 * A prompt ([L] shared, or [B·L]; mask id = free) fixes the given positions inside each block's generation.
 */
export function generateBlocks(m: BlockModel, policy: SamplerPolicy, opts: BlockGenerateOptions): GenerateResult {
  for (const key of ["batch", "length", "steps"] as const) {
    if (!Number.isInteger(opts[key]) || opts[key] < 1) throw new Error(`block generation: ${key} must be a positive integer, got ${opts[key]}`);
  }
  const p = opts.prompt;
  if (p !== undefined && p.length !== opts.length && p.length !== opts.batch * opts.length) throw new Error(`block generation: a prompt of ${p.length} positions, expected the length ${opts.length} or batch·length ${opts.batch * opts.length}`);
  const stop = opts.stopToken;
  if (stop !== undefined && !(Number.isInteger(stop) && stop >= 0 && stop < m.layout.classes)) throw new Error(`stop token ${stop} is outside 0..${m.layout.classes - 1}`);
  const stats: SampleStats = { nfe: 0, nfeNonCached: 0, predictedRows: 0, idleSteps: 0, sequenceNfe: [] };
  if (opts.together) return { sequences: generateTogether(m, policy, opts, stats), stats };
  const sequences = Array.from({ length: opts.batch }, (_, b) => generateOne(m, policy, opts, stats, b));
  return { sequences, stats };
}

/**
 * The whole batch at once, block by block (opts.together): each row's clean prefix rides in the loop's state as given
 * positions and the block-causal pass over [prefix ; block] is recomputed at every call (no KV cache). Each sequence
 * has the law of generateOne's (other draws); only within the trained length, without a stop token.
 */
function generateTogether(m: BlockModel, policy: SamplerPolicy, opts: BlockGenerateOptions, stats: SampleStats): Int32Array[] {
  if (opts.stopToken !== undefined || opts.wrap) throw new Error("block generation: a stop token or a wrap needs one-at-a-time generation (together: false)");
  if (opts.length > m.window) throw new Error(`block generation together: length ${opts.length} is past the trained length ${m.window} (the sliding context needs one-at-a-time generation)`);
  const { batch: B, length: L } = opts;
  let done: Int32Array = new Int32Array(0);
  const nfe = new Array<number>(B).fill(0);
  for (let P = 0; P < L; P += m.blockSize) {
    const S = Math.min(L, P + m.blockSize);
    const prompt = new Int32Array(B * S).fill(m.layout.maskId);
    for (let b = 0; b < B; b++) {
      prompt.set(done.subarray(b * P, (b + 1) * P), b * S);
      const given = promptSlice(opts.prompt, L, b, P, S - P);
      if (given) prompt.set(given, b * S + P);
    }
    const base = statePrefixBlockDenoiser(m.network, P, m.blockSize, m.layout, m.parameterization);
    const r = sample(withBlockLatent(base, m.latentDim), policy, { ...opts, length: S, prompt });
    addStats(stats, r.stats);
    r.stats.sequenceNfe.forEach((k, b) => (nfe[b]! += k));
    done = r.tokens;
  }
  stats.sequenceNfe.push(...nfe);
  return Array.from({ length: B }, (_, b) => done.slice(b * L, (b + 1) * L));
}
