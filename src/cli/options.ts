/** Parsers for numeric command-line options that fail with one clear message. */
import { InvalidArgumentError } from "commander";
import { isValidSeed, seedRangeMessage } from "../engine/seed.js";

/** An integer ≥ min. */
export function intAtLeast(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got '${v}'`);
    return n;
  };
}

export { MAX_SAMPLE_STEPS } from "../api/draw-samples.js";

/** An integer in [min, max]; the message states both limits. */
export function intInRange(min: number, max: number): (v: string) => number {
  return (v) => {
    const n = v.trim() === "" ? NaN : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got '${v}'`);
    return n;
  };
}

/** A number in [lo, hi]. */
export function numberIn(lo: number, hi: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < lo || n > hi) throw new InvalidArgumentError(`expected a number in [${lo}, ${hi}], got '${v}'`);
    return n;
  };
}

/** A probability mass in (0, 1]. */
export function probability(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError(`expected a number in (0, 1], got '${v}'`);
  return n;
}

/** A seed for --seed: an integer from 0 to 2^32 − 1 − offset (see src/engine/seed.ts). */
export function seedArg(offset = 0): (v: string) => number {
  return (v) => {
    const n = v.trim() === "" ? NaN : Number(v);
    if (!isValidSeed(n, offset)) throw new InvalidArgumentError(seedRangeMessage("the seed", v, offset));
    return n;
  };
}
