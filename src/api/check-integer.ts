/** Checking a numeric option passed from code, with one message naming it. */
import { UserError } from "../errors.js";

/** `value` if it is an integer in [min, max]; a UserError naming `what` otherwise. */
export function checkInteger(what: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw new UserError(`${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}
