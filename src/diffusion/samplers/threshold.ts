/**
 * Confidence-threshold parallel decoding (Fast-dLLM's rule): a variable-step policy that reveals, per sequence and
 * step, every masked position whose confidence (μ of its candidate, or the top-1 − top-2 margin) is at least τ — the
 * most confident one whatever its confidence, so each step reveals at least one — and at most `cap` of them.
 */
import { scoreNeeds } from "./confidence-score.js";
import type { SamplerPolicy, StepContext } from "./policy.js";
import { rankedMasks, type RankedMask } from "./ranked-masks.js";

/** What a threshold is put on. */
export type ThresholdScore = "prob" | "margin";

/** The valid ThresholdScore names. */
export const thresholdScores: readonly ThresholdScore[] = ["prob", "margin"];

/** Options of thresholdPolicy (and of the remasking threshold rule). */
export interface ThresholdOptions {
  /** τ ∈ [0, 1] (default 0.9). */
  tau?: number;
  /** Score the threshold is put on (default "prob"). */
  thresholdScore?: ThresholdScore;
  /** Most reveals per step and sequence; 0 (default) for no cap. */
  cap?: number;
  /** Candidate value per position: argmax of μ ("greedy", default) or a draw from μ ("sample"). */
  candidate?: "greedy" | "sample";
}

/** The threshold rule with its options checked and defaulted. */
export interface ThresholdRule {
  tau: number;
  score: ThresholdScore;
  cap: number;
  greedy: boolean;
}

/** Checks the options and fills in defaults. */
export function thresholdRule(o: ThresholdOptions): ThresholdRule {
  const rule = { tau: o.tau ?? 0.9, score: o.thresholdScore ?? "prob", cap: o.cap ?? 0, greedy: (o.candidate ?? "greedy") === "greedy" };
  if (!(rule.tau >= 0 && rule.tau <= 1)) throw new Error(`tau must be in [0, 1], got ${rule.tau}`);
  if (!thresholdScores.includes(rule.score)) throw new Error(`unknown threshold score '${String(rule.score)}'; valid: ${thresholdScores.join(", ")}`);
  if (!Number.isInteger(rule.cap) || rule.cap < 0) throw new Error(`cap must be an integer ≥ 0 (0: no cap), got ${rule.cap}`);
  if (o.candidate !== undefined && o.candidate !== "greedy" && o.candidate !== "sample") throw new Error(`unknown candidate rule '${String(o.candidate)}'; valid: greedy, sample`);
  return rule;
}

/** The masked positions of sequence b that the rule reveals this step (most confident first; at least one while any is masked). */
export function thresholdReveals(ctx: StepContext, b: number, rule: ThresholdRule): RankedMask[] {
  const ranked = rankedMasks(ctx, b, rule.score, rule.greedy);
  let r = 0;
  while (r < ranked.length && (r === 0 || ranked[r]!.c >= rule.tau) && (rule.cap === 0 || r < rule.cap)) r++;
  return ranked.slice(0, r);
}

/** The confidence-threshold policy, named "confidence-threshold". */
export function thresholdPolicy(opts: ThresholdOptions = {}): SamplerPolicy {
  const rule = thresholdRule(opts);
  return {
    name: "confidence-threshold",
    untilDone: true,
    needs: scoreNeeds(rule.score),
    step(ctx) {
      for (let b = 0; b < ctx.batch; b++) for (const { n, v } of thresholdReveals(ctx, b, rule)) ctx.tokens[n] = v;
    },
  };
}
