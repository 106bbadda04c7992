/**
 * Confidence-weighted σ (ALGORITHMS.md §4.4). ReMDM-conf, as released: σ^i = η_conf^i·σ_max at revealed
 * positions and σ = 0 at masked ones. Because σ depends on the state, this rule does not keep the per-position
 * marginals P(z_s^i revealed) = α(s): a step loses E[Σ_i σ^i] = σ_max·P(any token revealed) revealed tokens in
 * expectation (the masked positions reveal at the MDLM rate and do not make up for the remasks).
 *
 * Combinations (cap+conf, loop+conf; no published formula, this is our definition): given the uncombined
 * strategy's per-token σ ("base", e.g. min(η_cap, σ_max), or η in the loop's phase 2), revealed positions get
 * σ^i = min(σ_max, base·R·η_conf^i), R = number of revealed non-prompt positions of the sequence, and masked
 * positions keep σ = base. So the reveal probabilities are exactly the uncombined strategy's, the expected
 * number of remasks Σ_i σ^i equals its base·R (as long as no σ^i is clipped), and lower-confidence tokens are
 * remasked more; the expected number of revealed tokens after the step is then α(s)·L exactly, as for the
 * uncombined strategy.
 */
import type { StepContext } from "./policy.js";
import type { RevealScores } from "./reveal-scores.js";

/** ReMDM-conf's σ [B·L]: η_conf^i·σ_max at revealed positions, 0 at masked ones. */
export function confidenceSigma(ctx: StepContext, scores: RevealScores, sigmaMax: number): Float64Array {
  const sigma = new Float64Array(ctx.tokens.length);
  for (let b = 0; b < ctx.batch; b++) scores.weights(ctx, b, sigma);
  for (let n = 0; n < sigma.length; n++) sigma[n]! *= sigmaMax;
  return sigma;
}

/** The combination rule: σ^i = min(σ_max, base·R·η_conf^i) at revealed positions, base at masked ones. */
export function spreadByConfidence(ctx: StepContext, scores: RevealScores, base: number, sigmaMax: number): Float64Array {
  const { tokens, layout: { maskId: V }, length: L } = ctx;
  const sigma = new Float64Array(tokens.length);
  for (let b = 0; b < ctx.batch; b++) {
    const revealed = scores.weights(ctx, b, sigma);
    for (let n = b * L; n < (b + 1) * L; n++) {
      sigma[n] = tokens[n] === V ? base : Math.min(sigmaMax, base * revealed * sigma[n]!);
    }
  }
  return sigma;
}
