/** The masked positions of one sequence with their candidate values, most confident first. */
import { confidenceScore, type ConfidenceScore } from "./confidence-score.js";
import type { StepContext } from "./policy.js";

/** A masked position n, the value it would be revealed to, and its confidence c. */
export interface RankedMask {
  n: number;
  v: number;
  c: number;
}

/**
 * Masked positions of sequence b, sorted by confidence (highest first, then by position), with the candidate value v:
 * the argmax of μ (greedy) or its draw. "random" scores by a uniform of the stream; `noise(n)`, if given, is added to c.
 */
export function rankedMasks(ctx: StepContext, b: number, score: ConfidenceScore, greedy: boolean, noise?: (n: number) => number): RankedMask[] {
  const { tokens, summary, layout: { maskId: V }, length: L } = ctx;
  const out: RankedMask[] = [];
  for (let n = b * L; n < (b + 1) * L; n++) {
    if (tokens[n] !== V) continue;
    let c = score === "random" ? ctx.uniform(n) : confidenceScore(summary, n, score, greedy);
    if (noise) c += noise(n);
    out.push({ n, v: greedy ? summary.top[n]! : summary.candidate[n]!, c });
  }
  return out.sort((x, y) => y.c - x.c || x.n - y.n);
}
