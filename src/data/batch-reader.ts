/** Random-offset [B, L] training batches from one token stream, seeded and exactly resumable. */
import { Rng } from "../engine/rng.js";
import type { TokenBatch, TokenStream } from "./dataset.js";

/** Options of a BatchReader. */
export interface BatchReaderOptions {
  /** B, rows per batch. */
  batchSize: number;
  /** L, tokens per row. */
  seqLen: number;
  /** Seed of the offset stream. */
  seed: number;
  /** Rows start only at multiples of this (a stream of independent records of this length; default 1: anywhere). */
  recordLength?: number;
}

/** A BatchReader's position, JSON-serialisable for checkpoints. */
export interface BatchReaderState {
  /** Rng.state() of the offset stream. */
  rng: number[];
  /** Batches produced so far. */
  batches: number;
  /** Stream length, B and L, checked on restore. */
  streamLength: number;
  /** B at save time. */
  batchSize: number;
  /** L at save time. */
  seqLen: number;
}

function checkPositiveInt(what: string, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`BatchReader: ${what} must be a positive integer, got ${v}`);
}

/** Draws each row as the L tokens starting at an offset uniform on the record starts in [0, n − L], from a seeded Rng. */
export class BatchReader {
  private rng: Rng;
  private count = 0;

  /** A reader over stream; throws if the stream is shorter than one row. */
  constructor(
    private readonly stream: TokenStream,
    private readonly opts: BatchReaderOptions,
  ) {
    checkPositiveInt("batchSize", opts.batchSize);
    checkPositiveInt("seqLen", opts.seqLen);
    if (!Number.isSafeInteger(opts.seed)) throw new Error(`BatchReader: seed must be an integer, got ${opts.seed}`);
    if (stream.length < opts.seqLen) {
      throw new Error(`BatchReader: stream has ${stream.length} tokens, fewer than seqLen ${opts.seqLen}`);
    }
    const r = opts.recordLength ?? 1;
    checkPositiveInt("recordLength", r);
    if (opts.seqLen % r !== 0) throw new Error(`BatchReader: seqLen ${opts.seqLen} is not a multiple of the record length ${r}`);
    this.rng = new Rng(opts.seed);
  }

  /** Batches produced so far. */
  get batches(): number {
    return this.count;
  }

  /**
   * The next [B, L] batch, or only its rows [first, first + count) (a data-parallel rank's share: the offsets of
   * all B rows are drawn, so every share of one batch comes from the same draw).
   */
  next(rows: { first: number; count: number } = { first: 0, count: this.opts.batchSize }): TokenBatch {
    const { batchSize: B, seqLen: L } = this.opts;
    const { first, count } = rows;
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(count) || first < 0 || count < 1 || first + count > B)
      throw new Error(`BatchReader.next: rows [${first}, ${first + count}) are not within the batch of ${B}`);
    const data = new Int32Array(count * L);
    const r = this.opts.recordLength ?? 1;
    const starts = Math.floor((this.stream.length - L) / r) + 1;
    for (let b = 0; b < B; b++) {
      const off = r * this.rng.int(starts);
      if (b >= first && b < first + count) data.set(this.stream.subarray(off, off + L), (b - first) * L);
    }
    this.count++;
    return { data, batchSize: count, seqLen: L };
  }

  /** The current position, for a checkpoint. */
  state(): BatchReaderState {
    const { batchSize, seqLen } = this.opts;
    return { rng: this.rng.state(), batches: this.count, streamLength: this.stream.length, batchSize, seqLen };
  }

  /** Resumes from state(); throws if it was saved for a different stream length, B or L. */
  restore(s: BatchReaderState): void {
    const { batchSize, seqLen } = this.opts;
    const mismatch: string[] = [];
    if (s.streamLength !== this.stream.length) mismatch.push(`streamLength ${s.streamLength} vs ${this.stream.length}`);
    if (s.batchSize !== batchSize) mismatch.push(`batchSize ${s.batchSize} vs ${batchSize}`);
    if (s.seqLen !== seqLen) mismatch.push(`seqLen ${s.seqLen} vs ${seqLen}`);
    if (mismatch.length > 0) {
      throw new Error(`BatchReader.restore: saved state does not match this reader (saved vs here): ${mismatch.join(", ")}`);
    }
    if (!Array.isArray(s.rng) || !s.rng.every(Number.isInteger)) {
      throw new Error(`BatchReader.restore: rng must be an array of integers from Rng.state(), got ${JSON.stringify(s.rng)}`);
    }
    if (!Number.isSafeInteger(s.batches) || s.batches < 0) {
      throw new Error(`BatchReader.restore: batches must be a non-negative integer, got ${s.batches}`);
    }
    this.rng = Rng.fromState(s.rng);
    this.count = s.batches;
  }
}
