/** The token-dataset contract shared by every data source, and its contiguous train/valid/test split. */

/** A long token stream read by ranges: an in-memory array, or a file of which only the range asked for is read. */
export interface TokenStream {
  /** Tokens in the stream. */
  readonly length: number;
  /** Tokens [begin, end) as an array of ids. */
  subarray(begin: number, end: number): ArrayLike<number>;
}

/** The three splits of a dataset, each one long token stream (in memory by default). */
export interface Splits<S extends TokenStream = Uint8Array> {
  /** Training stream. */
  train: S;
  /** Validation (held-out) stream. */
  valid: S;
  /** Test stream. */
  test: S;
}

/** Where a dataset came from and how big it is. */
export interface DatasetMeta {
  /** Human-readable origin (a file path, "markov(seed=…)", a URL). */
  source: string;
  /** Tokens per split. */
  sizes: { train: number; valid: number; test: number };
  /** Source-specific extras (seeds, checksums, entropies). */
  [key: string]: unknown;
}

/** A tokenised dataset: V real classes (ids 0..V−1; the mask id V never occurs) and its splits. */
export interface TokenDataset<S extends TokenStream = Uint8Array> {
  /** Short name, e.g. "fortunes", "text8", "markov". */
  name: string;
  /** Number of real token classes V (mask excluded). */
  vocabSize: number;
  /** Renders ids (mask id V included) as text. */
  decode(ids: ArrayLike<number>): string;
  /** One long token stream per split. */
  splits: Splits<S>;
  /** Provenance and sizes. */
  meta: DatasetMeta;
  /** When set, every split is a concatenation of independent records of this many tokens (training rows start at record boundaries). */
  recordLength?: number;
}

/** A [B, L] batch of token ids, row-major. */
export interface TokenBatch {
  /** B·L ids, row b at [b·L, (b+1)·L). */
  data: Int32Array;
  /** B, rows in this batch. */
  batchSize: number;
  /** L, tokens per row. */
  seqLen: number;
}

/** Train/valid/test fractions of text8's 90M/5M/5M split. */
export const DEFAULT_FRACTIONS: readonly [number, number, number] = [0.9, 0.05, 0.05];

/**
 * Splits a stream into contiguous train | valid | test parts (views, no copy). Boundaries are
 * round(n·f0) and round(n·(f0+f1)), so 100,000,000 tokens give exactly 90M/5M/5M.
 */
export function splitStream(
  tokens: Uint8Array,
  fractions: readonly [number, number, number] = DEFAULT_FRACTIONS,
): Splits {
  const [f0, f1, f2] = fractions;
  const sum = f0 + f1 + f2;
  if (!fractions.every((f) => Number.isFinite(f) && f >= 0) || Math.abs(sum - 1) > 1e-9) {
    throw new Error(`splitStream: fractions ${JSON.stringify(fractions)} must be three non-negative numbers summing to 1`);
  }
  const n = tokens.length;
  const b1 = Math.round(n * f0);
  const b2 = Math.max(b1, Math.min(n, Math.round(n * (f0 + f1))));
  return { train: tokens.subarray(0, b1), valid: tokens.subarray(b1, b2), test: tokens.subarray(b2) };
}

/** The sizes record of a set of splits, for DatasetMeta. */
export function splitSizes(s: Splits<TokenStream>): DatasetMeta["sizes"] {
  return { train: s.train.length, valid: s.valid.length, test: s.test.length };
}
