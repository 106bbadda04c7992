/** Deterministic evaluation batches: consecutive non-overlapping length-L chunks of a stream. */
import type { TokenBatch, TokenStream } from "./dataset.js";

/** Options of sequentialBatches. */
export interface SequentialOptions {
  /** L, tokens per chunk. */
  seqLen: number;
  /** Chunks per batch (the last batch may have fewer). */
  batchSize: number;
  /** Stop after this many chunks (default: all whole chunks). */
  maxChunks?: number;
}

/** Number of whole length-L chunks in a stream of n tokens (a tail shorter than L is dropped). */
export function countChunks(n: number, seqLen: number): number {
  return Math.floor(n / seqLen);
}

/**
 * Yields chunks [0, L), [L, 2L), … grouped into batches of up to B rows; the tail shorter than L is
 * dropped, and at most maxChunks chunks are produced.
 */
export function* sequentialBatches(stream: TokenStream, opts: SequentialOptions): Generator<TokenBatch> {
  const { seqLen: L, batchSize: B } = opts;
  for (const [k, v] of [["seqLen", L], ["batchSize", B]] as const) {
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`sequentialBatches: ${k} must be a positive integer, got ${v}`);
  }
  const max = opts.maxChunks;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 0)) {
    throw new Error(`sequentialBatches: maxChunks must be a non-negative integer, got ${max}`);
  }
  const total = Math.min(countChunks(stream.length, L), max ?? Infinity);
  for (let first = 0; first < total; first += B) {
    const rows = Math.min(B, total - first);
    const data = new Int32Array(rows * L);
    data.set(stream.subarray(first * L, (first + rows) * L));
    yield { data, batchSize: rows, seqLen: L };
  }
}
