/** Step-count lists relative to the sequence length: "L/4,L/2,L,2L,4L", "16,64", "3L/2". */
import { MAX_SAMPLE_STEPS } from "../cli/options.js";

/** The default list of eval-samplers. */
export const DEFAULT_STEP_LIST = "L/4,L/2,L,2L,4L";

const TERM = /^(?:(\d+)|(\d*)L(?:\/(\d+))?)$/;

/** Checks the syntax of a comma-separated list without knowing L; throws naming the bad item. */
export function checkStepList(text: string): void {
  parseStepList(text, 1, false);
}

/**
 * Parses a comma-separated list of step counts: an integer, or aL/b with optional integers a and b
 * (rounded to the nearest integer). Returns the distinct values ascending; throws on a bad item or a
 * count below 1.
 */
export function parseStepList(text: string, L: number, checkValues = true): number[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new Error(`steps '${text}': empty item; expected a comma-separated list such as ${DEFAULT_STEP_LIST} or 16,64`);
  const out = new Set<number>();
  for (const item of items) {
    const m = TERM.exec(item);
    if (m === null) throw new Error(`steps '${text}': cannot read '${item}'; expected an integer or aL/b (e.g. 64, L, 2L, L/4, 3L/2)`);
    const num = m[1] !== undefined ? Number(m[1]) : m[2] ? Number(m[2]) : 1;
    const den = m[3] === undefined ? 1 : Number(m[3]);
    if (num === 0 || den === 0) throw new Error(`steps '${text}': '${item}' is zero or divides by zero; every count must be ≥ 1`);
    const value = m[1] !== undefined ? num : Math.round((num * L) / den);
    if (checkValues && !(Number.isSafeInteger(value) && value >= 1)) {
      throw new Error(`steps '${text}': '${item}' gives ${value} steps for L = ${L}; every count must be an integer ≥ 1`);
    }
    if (value > MAX_SAMPLE_STEPS) throw new Error(`steps '${text}': '${item}' gives ${value} steps${m[1] !== undefined ? "" : ` for L = ${L}`}; the most is ${MAX_SAMPLE_STEPS}`);
    out.add(value);
  }
  return [...out].sort((a, b) => a - b);
}
