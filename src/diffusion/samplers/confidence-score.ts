/** Per-position confidence scores for confidence-ordered (MaskGIT/LLaDA-style) unmasking, read from the token summaries. */
import type { TokenScore, TokenSummaries } from "./token-summaries.js";

/**
 * "prob": μ of the candidate token; "margin": top-1 minus top-2 probability; "entropy": minus the entropy of μ;
 * "random": a uniform from the position's stream (a uniformly random order: a fixed count per step at random positions).
 */
export type ConfidenceScore = "prob" | "margin" | "entropy" | "random";

/** The valid ConfidenceScore names. */
export const confidenceScores: readonly ConfidenceScore[] = ["prob", "margin", "entropy", "random"];

/** The summary scores a confidence score reads. */
export function scoreNeeds(score: ConfidenceScore): readonly TokenScore[] {
  return score === "prob" || score === "random" ? [] : [score];
}

/** Confidence of revealing token i as its top class (greedy) or its drawn candidate (higher = more confident); "random" is scored by the policy. */
export function confidenceScore(summary: TokenSummaries, i: number, score: ConfidenceScore, greedy: boolean): number {
  if (score === "prob") return greedy ? summary.topProb[i]! : summary.candidateProb[i]!;
  if (score === "margin") return summary.margin[i]!;
  if (score === "entropy") return -summary.entropy[i]!;
  throw new Error(`unknown confidence score '${String(score)}'; valid: ${confidenceScores.join(", ")}`);
}
