/**
 * The range of seeds the random generators accept without aliasing.
 *
 * - Rng (src/engine/rng.ts) hashes its seed with mix32, whose first `x ^ (x >>> 16)` applies
 *   ToInt32: only the seed modulo 2^32 matters, so 2^32 + 5 and 5 gave the same stream, and a
 *   fractional seed was truncated. It now refuses seeds outside [0, 2^32 − 1] (RangeError).
 * - The libtorch generator (native manualSeed) takes a uint64; a JS number reaches it exactly only
 *   up to 2^53 − 1, and negative numbers used to wrap around. It now refuses those too.
 *
 * So a seed that drives both must be an integer in [0, 2^32 − 1]. A training run also derives
 * seeds from the config seed by adding small offsets (trainer.ts: +1 batch reader, +2 time
 * sampling, +3 validation), so the config seed must leave room for the largest offset.
 */
import { UserError } from "../cli/user-error.js";

/** The largest seed Rng accepts: 2^32 − 1. */
export const MAX_SEED = 2 ** 32 - 1;

/** The largest offset the trainer adds to config.seed (seed + 3 seeds validation). */
export const TRAIN_SEED_OFFSET = 3;

/** Whether seed (plus offset) is an integer the generators accept without aliasing. */
export function isValidSeed(seed: unknown, offset = 0): seed is number {
  return typeof seed === "number" && Number.isInteger(seed) && seed >= 0 && seed + offset <= MAX_SEED;
}

/** The message stating the accepted range for a seed named `what`. */
export function seedRangeMessage(what: string, seed: unknown, offset = 0): string {
  const max = MAX_SEED - offset;
  const why = offset ? ` (the run also uses ${what} + 1 … ${what} + ${offset}, and the random generators take seeds below 2^32)` : " (the random generators take seeds below 2^32; larger ones would silently alias smaller ones)";
  return `${what} must be an integer from 0 to ${max}${why}, got ${typeof seed === "number" ? String(seed) : JSON.stringify(seed)}`;
}

/** Returns seed if it is valid, else throws a UserError naming `what` and the range. */
export function checkSeed(seed: unknown, what = "seed", offset = 0): number {
  if (!isValidSeed(seed, offset)) throw new UserError(seedRangeMessage(what, seed, offset));
  return seed;
}
