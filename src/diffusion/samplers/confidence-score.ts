/** Per-position confidence scores for confidence-ordered (MaskGIT/LLaDA-style) unmasking. */

/** "prob": μ of the candidate token; "margin": top-1 minus top-2 probability; "entropy": minus the entropy of μ. */
export type ConfidenceScore = "prob" | "margin" | "entropy";

/** The valid ConfidenceScore names. */
export const confidenceScores: readonly ConfidenceScore[] = ["prob", "margin", "entropy"];

/** Confidence of revealing the row μ[off..off+V) as candidate v (higher = more confident). */
export function confidenceScore(probs: Float64Array, off: number, V: number, v: number, score: ConfidenceScore): number {
  if (score === "prob") return probs[off + v]!;
  if (score === "margin") {
    let top1 = -Infinity;
    let top2 = -Infinity;
    for (let u = 0; u < V; u++) {
      const p = probs[off + u]!;
      if (p > top1) [top1, top2] = [p, top1];
      else if (p > top2) top2 = p;
    }
    return V === 1 ? top1 : top1 - top2;
  }
  if (score === "entropy") {
    let h = 0;
    for (let u = 0; u < V; u++) {
      const p = probs[off + u]!;
      if (p > 0) h -= p * Math.log(p);
    }
    return -h;
  }
  throw new Error(`unknown confidence score '${String(score)}'; valid: ${confidenceScores.join(", ")}`);
}
