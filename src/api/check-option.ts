/** Checking options passed from code (no command-line parser in front), each with one message naming the option. */
import { UserError } from "../errors.js";

/** `value` if it is an integer in [min, max]; a UserError naming `what` otherwise. */
export function checkInteger(what: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw new UserError(`${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}

/** Throws a UserError naming `what` unless `value` is undefined (the default) or one of `choices`. */
export function checkChoice(what: string, value: unknown, choices: readonly string[]): void {
  if (value !== undefined && !choices.includes(value as string)) throw new UserError(`${what} must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")}, got ${JSON.stringify(value)}`);
}
