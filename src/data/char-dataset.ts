/** A TokenDataset over the 27-symbol character alphabet, built from one id stream or given splits. */
import { CHAR_VOCAB_SIZE, decode } from "./char-text.js";
import { DEFAULT_FRACTIONS, splitSizes, splitStream, type Splits, type TokenDataset } from "./dataset.js";

/** Wraps ready-made character splits as a TokenDataset (V = 27, decode shows the mask as '_'). */
export function charDatasetFromSplits(name: string, splits: Splits, source: string, extra: Record<string, unknown> = {}): TokenDataset {
  return { name, vocabSize: CHAR_VOCAB_SIZE, decode, splits, meta: { ...extra, source, sizes: splitSizes(splits) } };
}

/** Splits one character id stream contiguously (default 90/5/5) into a TokenDataset. */
export function charDataset(
  name: string,
  ids: Uint8Array,
  source: string,
  fractions: readonly [number, number, number] = DEFAULT_FRACTIONS,
  extra: Record<string, unknown> = {},
): TokenDataset {
  return charDatasetFromSplits(name, splitStream(ids, fractions), source, { ...extra, fractions: [...fractions] });
}
