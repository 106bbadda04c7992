/**
 * Semi-autoregressive block-by-block decoding (LLaDA-style) as a policy wrapper. The sequence is cut into
 * ⌈L/block⌉ blocks of `block` positions (the last one shorter when block does not divide L; block ≥ L is one
 * block). The T steps are shared out equally, earlier blocks taking one extra step when T is not a multiple of
 * the block count (so T ≥ number of blocks is required). During a block's steps the inner policy sees only that
 * block — earlier blocks are fixed context, later ones stay masked — on its own uniform grid from t = 1 to 0,
 * with μ predicted from the whole sequence. The inner begin() runs at the start of every block.
 */
import { gridPoint } from "./grid.js";
import type { BeginContext, SamplerPolicy, StepContext } from "./policy.js";
import type { TokenSummaries } from "./token-summaries.js";

/** Default block size (LLaDA's usual block length). */
export const defaultBlock = 32;

/** Options of blockPolicy. */
export interface BlockOptions {
  /** Positions per block, a positive integer (default 32). */
  block?: number;
}

/** Where step k falls: block j (positions start..start+len) and local step kl of its Tj steps. */
interface BlockStep {
  start: number;
  len: number;
  kl: number;
  Tj: number;
}

/** Block and local step of global step k ∈ [0, T) for length L; throws when T < number of blocks. */
export function blockStep(k: number, T: number, L: number, block: number): BlockStep {
  const nBlocks = Math.ceil(L / block);
  if (T < nBlocks) throw new Error(`block: T = ${T} steps cannot cover ${nBlocks} blocks of ${block} positions (L = ${L}); need T ≥ ${nBlocks}`);
  const q = Math.floor(T / nBlocks);
  const r = T % nBlocks;
  let first = 0;
  for (let j = 0; j < nBlocks; j++) {
    const Tj = q + (j < r ? 1 : 0);
    if (k < first + Tj) return { start: j * block, len: Math.min(block, L - j * block), kl: k - first, Tj };
    first += Tj;
  }
  throw new Error(`block: step ${k} outside [0, ${T})`);
}

/** Copies rows [start, start+len) of every sequence (row width 1) out of a [B·L] buffer. */
function gather<A extends Int32Array | Float64Array | Uint8Array>(src: A, dst: A, B: number, L: number, start: number, len: number): A {
  if (src.length === 0) return dst;
  for (let b = 0; b < B; b++) dst.set(src.subarray(b * L + start, b * L + start + len), b * len);
  return dst;
}

/** The summaries of the block's positions (one position per token). */
function blockSummaries(x: TokenSummaries, B: number, L: number, start: number, len: number): TokenSummaries {
  const size = (a: { length: number }) => (a.length ? B * len : 0);
  return {
    candidate: gather(x.candidate, new Int32Array(B * len), B, L, start, len),
    candidateProb: gather(x.candidateProb, new Float64Array(B * len), B, L, start, len),
    top: gather(x.top, new Int32Array(B * len), B, L, start, len),
    topProb: gather(x.topProb, new Float64Array(B * len), B, L, start, len),
    margin: gather(x.margin, new Float64Array(size(x.margin)), B, L, start, len),
    entropy: gather(x.entropy, new Float64Array(size(x.entropy)), B, L, start, len),
  };
}

/** Wraps `inner` to decode block by block; named "block-<inner name>". */
export function blockPolicy(inner: SamplerPolicy, opts: BlockOptions = {}): SamplerPolicy {
  const block = opts.block ?? defaultBlock;
  if (!Number.isInteger(block) || block < 1) throw new Error(`block: block must be a positive integer, got ${block}`);
  return {
    name: `block-${inner.name}`,
    ...(inner.needs ? { needs: inner.needs } : {}),
    begin: (ctx: BeginContext) => void blockStep(0, ctx.steps, ctx.length, block),
    step(ctx: StepContext): void {
      const { batch: B, length: L, layout } = ctx;
      const { start, len, kl, Tj } = blockStep(ctx.step, ctx.steps, L, block);
      const outer = (n: number) => Math.floor(n / len) * L + start + (n % len);
      const tokens = gather(ctx.tokens, new Int32Array(B * len), B, L, start, len);
      const fixed = ctx.fixed === null ? null : gather(ctx.fixed, new Uint8Array(B * len), B, L, start, len);
      const { t, s } = gridPoint(kl, Tj, "uniform");
      const begin: BeginContext = { batch: B, length: len, layout, steps: Tj, tokens, fixed };
      if (kl === 0) inner.begin?.(begin);
      inner.step({
        ...begin,
        step: kl,
        t,
        s,
        schedule: ctx.schedule,
        summary: blockSummaries(ctx.summary, B, L, start, len),
        uniform: (n) => ctx.uniform(outer(n)),
        draw: (n) => ctx.draw(outer(n)),
        probsOf: (i) => ctx.probsOf(outer(i)),
      });
      for (let b = 0; b < B; b++) ctx.tokens.set(tokens.subarray(b * len, (b + 1) * len), b * L + start);
    },
  };
}
