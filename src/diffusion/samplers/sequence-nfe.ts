/** The per-sequence network evaluations of a sample() call, summarised. */

/** Mean, min and max of the per-sequence NFE. */
export interface SequenceNfeSummary {
  mean: number;
  min: number;
  max: number;
}

/** Mean, min and max of per-sequence counts (refuses an empty list). */
export function sequenceNfeSummary(counts: readonly number[]): SequenceNfeSummary {
  if (counts.length === 0) throw new Error("sequenceNfeSummary: no sequences");
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const c of counts) {
    sum += c;
    min = Math.min(min, c);
    max = Math.max(max, c);
  }
  return { mean: sum / counts.length, min, max };
}
