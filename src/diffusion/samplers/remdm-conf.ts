/** ReMDM-conf and ReMDM-cap+conf: remasking weighted towards tokens revealed with low probability (see confidence-remask.ts). */
import { confidenceSigma, spreadByConfidence } from "./confidence-remask.js";
import type { StepContext } from "./policy.js";
import { stepSigmaMax } from "./remdm-cap-rescale.js";
import { checkRange, remdmDefaults } from "./remdm-params.js";
import { runPlan, type RemaskPlan, type RemaskingPolicy } from "./remasking-policy.js";
import { RevealScores } from "./reveal-scores.js";
import { canonicalSpec } from "./sampler-options.js";

/** Options shared by the confidence-weighted policies. */
export interface ScoresOption {
  /** The ψ store to use (default: a fresh one; begin() resets it). Lets callers inspect or preset ψ. */
  scores?: RevealScores;
}

/** A RemaskingPolicy that keeps ψ up to date around its plan. */
export function scoredPolicy(name: string, scores: RevealScores, plan: (ctx: StepContext) => RemaskPlan): RemaskingPolicy {
  return {
    name,
    plan,
    begin: (ctx) => scores.reset(ctx.tokens.length),
    step(ctx) {
      const prev = ctx.tokens.slice();
      runPlan(ctx, plan(ctx));
      scores.record(prev, ctx);
    },
  };
}

/** ReMDM-conf as released: σ^i = η_conf^i·σ_max at revealed positions, 0 at masked ones. */
export function remdmConfPolicy(opts: ScoresOption = {}): RemaskingPolicy {
  const scores = opts.scores ?? new RevealScores();
  return scoredPolicy("remdm-conf", scores, (ctx) => ({ schedule: ctx.schedule, sigma: confidenceSigma(ctx, scores, stepSigmaMax(ctx)) }));
}

/** ReMDM-cap+conf: ReMDM-cap's σ = min(η_cap, σ_max) spread over revealed tokens by confidence (η_cap ∈ [0, 1], default 0.008). */
export function remdmCapConfPolicy(opts: ScoresOption & { etaCap?: number } = {}): RemaskingPolicy {
  const eta = opts.etaCap ?? remdmDefaults.etaCap;
  checkRange("remdm-cap-conf", "eta_cap", eta, 0, 1);
  const scores = opts.scores ?? new RevealScores();
  const name = canonicalSpec("remdm-cap-conf", { etaCap: eta }, ["eta_cap"]);
  return scoredPolicy(name, scores, (ctx) => {
    const max = stepSigmaMax(ctx);
    return { schedule: ctx.schedule, sigma: spreadByConfidence(ctx, scores, Math.min(eta, max), max) };
  });
}
