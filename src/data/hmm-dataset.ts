/**
 * The HMM oracle language as a TokenDataset over the 27-symbol alphabet: one long stationary sample
 * of a seeded random sticky HMM, split contiguously. Its meta records the entropy rate (SMB estimate
 * with standard error, plus exact sandwich bounds) and the exact n-gram conditional entropies.
 */
import { Rng } from "../engine/rng.js";
import { CHAR_VOCAB_SIZE, decode } from "./char-text.js";
import { DEFAULT_FRACTIONS, splitSizes, splitStream, type TokenDataset, type TokenStream } from "./dataset.js";
import { HiddenMarkovModel } from "./hmm.js";
import { entropyRateBounds, smbEntropyRate, type EntropyBounds, type SmbEstimate } from "./hmm-entropy.js";

/** Options of hmmDataset. */
export interface HmmDatasetOptions {
  /** Seed of both the HMM and the sample (default 0). */
  seed?: number;
  /** Symbols sampled in all (default 1,000,000). */
  size?: number;
  /** Hidden states H, 1..64 (default 8). */
  hidden?: number;
  /** Self-transition probability, in [0, 1) (default 0.97). */
  stickiness?: number;
  /** Dirichlet concentration of the emissions (default 0.15). */
  concentration?: number;
  /** Train/valid/test fractions (default 0.9/0.05/0.05). */
  fractions?: readonly [number, number, number];
}

/** The entropy figures of an HMM oracle, in nats per symbol. */
export interface HmmEntropyReport {
  /** SMB estimate of the entropy rate (2·10^6 symbols, 50 batches, seed = dataset seed + SMB_SEED_OFFSET). */
  smb: SmbEstimate;
  /** Exact sandwich bounds, orders 1..n (n = 4 for H ≤ 32; lower for larger H to bound the cost). */
  bounds: EntropyBounds[];
}

/** Added to the dataset seed to seed the SMB sample, so that it is independent of the training data. */
export const SMB_SEED_OFFSET = 1_000_003;

const reports = new Map<string, HmmEntropyReport>();

/** The largest order ≤ 4 whose bound enumeration costs ≤ 2·10^8 multiply-adds. */
function boundsOrder(hmm: HiddenMarkovModel): number {
  const perNode = (hmm.H + 1) * (hmm.H + (hmm.H * hmm.H) / hmm.K);
  let n = 1;
  while (n < 4 && perNode * hmm.K ** (n + 1) <= 2e8) n++;
  return n;
}

/** The entropy report of an HMM (memoised per key; about a second the first time for H = 8). */
export function hmmEntropyReport(hmm: HiddenMarkovModel, key: string, smbSeed: number): HmmEntropyReport {
  let r = reports.get(key);
  if (r === undefined) {
    r = { smb: smbEntropyRate(hmm, { seed: smbSeed }), bounds: entropyRateBounds(hmm, boundsOrder(hmm)) };
    reports.set(key, r);
  }
  return r;
}

/** An HMM-oracle dataset; the model itself is returned for exact metrics. */
export function hmmDataset(opts: HmmDatasetOptions = {}): TokenDataset & { hmm: HiddenMarkovModel } {
  const seed = opts.seed ?? 0;
  const size = opts.size ?? 1_000_000;
  const hidden = opts.hidden ?? 8;
  const stickiness = opts.stickiness ?? 0.97;
  const concentration = opts.concentration ?? 0.15;
  if (!Number.isSafeInteger(seed)) throw new Error(`hmmDataset: seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`hmmDataset: size must be a positive integer, got ${size}`);
  if (!Number.isSafeInteger(hidden) || hidden < 1 || hidden > 64) throw new Error(`hmmDataset: hidden must be an integer in 1..64, got ${hidden}`);
  if (!(concentration > 0 && Number.isFinite(concentration))) throw new Error(`hmmDataset: concentration must be a finite number > 0, got ${concentration}`);
  const rng = new Rng(seed);
  const hmm = HiddenMarkovModel.random(rng, { symbols: CHAR_VOCAB_SIZE, hidden, stickiness, concentration });
  const splits = splitStream(hmm.sample(size, rng), opts.fractions ?? DEFAULT_FRACTIONS);
  const model = `hmm(seed=${seed}, hidden=${hidden}, stickiness=${stickiness}, concentration=${concentration})`;
  const { smb, bounds } = hmmEntropyReport(hmm, model, seed + SMB_SEED_OFFSET);
  const upper = (n: number): number | null => bounds[n - 1]?.upper ?? null;
  return {
    name: "hmm",
    vocabSize: CHAR_VOCAB_SIZE,
    decode,
    splits,
    hmm,
    meta: {
      source: `${model.slice(0, -1)}, size=${size})`,
      sizes: splitSizes(splits),
      seed,
      entropyRateNats: smb.nats,
      entropyRateStderrNats: smb.stderr,
      entropyRateBits: smb.bits,
      entropyRateMethod: `SMB estimate from the exact log-likelihood of ${smb.length} sampled symbols (batch-means stderr, ${smb.batches} batches)`,
      entropyRateBoundsNats: bounds.at(-1),
      unigramEntropyNats: upper(1),
      bigramConditionalEntropyNats: upper(2),
      trigramConditionalEntropyNats: upper(3),
    },
  };
}

/** The exact HMM behind a dataset built by hmmDataset, or null for any other dataset. */
export function hmmOracleOf(data: TokenDataset<TokenStream>): HiddenMarkovModel | null {
  const h = (data as { hmm?: unknown }).hmm;
  return h instanceof HiddenMarkovModel ? h : null;
}
