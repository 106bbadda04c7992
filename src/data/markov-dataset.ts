/** The Markov oracle as a TokenDataset: one long stationary sample, split contiguously. */
import { Rng } from "../engine/rng.js";
import { DEFAULT_FRACTIONS, splitSizes, splitStream, type TokenDataset } from "./dataset.js";
import { MarkovChain } from "./markov.js";

/** Options of markovDataset. */
export interface MarkovDatasetOptions {
  /** Seed of both the chain and the sample (default 0). */
  seed?: number;
  /** Number of symbols K, 2..26 (default 8). */
  K?: number;
  /** Dirichlet concentration of the rows (default 0.3). */
  concentration?: number;
  /** Symbols sampled in all (default 1,000,000). */
  size?: number;
  /** Train/valid/test fractions (default 0.9/0.05/0.05). */
  fractions?: readonly [number, number, number];
}

/** Renders symbol ids 0..K−1 as 'a', 'b', …, and the mask id K as '_'. */
export function letterDecoder(K: number): (ids: ArrayLike<number>) => string {
  return (ids) => {
    let out = "";
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === K) out += "_";
      else if (Number.isInteger(id) && id >= 0 && id < K) out += String.fromCharCode(97 + id);
      else throw new Error(`decode: id ${id} at index ${i} is outside 0..${K} (${K} symbols + mask)`);
    }
    return out;
  };
}

/** A TokenDataset sampled from a seeded random chain; the chain itself is returned for exact metrics. */
export function markovDataset(opts: MarkovDatasetOptions = {}): TokenDataset & { chain: MarkovChain } {
  const seed = opts.seed ?? 0;
  const K = opts.K ?? 8;
  const concentration = opts.concentration ?? 0.3;
  const size = opts.size ?? 1_000_000;
  if (!Number.isSafeInteger(K) || K < 2 || K > 26) throw new Error(`markovDataset: K must be an integer in 2..26, got ${K}`);
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`markovDataset: size must be a positive integer, got ${size}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`markovDataset: seed must be an integer, got ${seed}`);
  const rng = new Rng(seed);
  const chain = MarkovChain.random(rng, { K, concentration });
  const splits = splitStream(chain.sample(size, rng), opts.fractions ?? DEFAULT_FRACTIONS);
  return {
    name: "markov",
    vocabSize: K,
    decode: letterDecoder(K),
    splits,
    chain,
    meta: {
      source: `markov(seed=${seed}, K=${K}, concentration=${concentration}, size=${size})`,
      sizes: splitSizes(splits),
      seed,
      entropyRateNats: chain.entropyRate(),
      entropyRateBits: chain.entropyRateBits(),
      stationaryEntropyNats: chain.stationaryEntropy(),
    },
  };
}
