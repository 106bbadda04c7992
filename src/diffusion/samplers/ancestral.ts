/** The ancestral (MDLM/MD4) policy: the exact reverse posterior with μ in place of the clean token. */
import type { SamplerPolicy, StepContext } from "./policy.js";

/**
 * (α(s) − α(t)) / (1 − α(t)), the probability that a masked token is revealed between t and s,
 * written as (m_t − m_s) / m_t with the masking probabilities m = 1 − α (no cancellation near t = 0).
 */
export function unmaskProbability(maskProbT: number, maskProbS: number): number {
  if (!(maskProbT > 0)) throw new Error(`unmask probability undefined for 1 − α(t) = ${maskProbT} (need α(t) < 1)`);
  return Math.min(1, Math.max(0, (maskProbT - maskProbS) / maskProbT));
}

/**
 * Each masked position is revealed to ctx.draw (its token's candidate class drawn from μ; with sub-tokens the
 * candidate's digit: MDM-Prime's sampler) with probability unmaskProbability, or, under a per-class schedule,
 * with the candidate's own class probability r_v (GenMD4, ALGORITHMS.md §2.5: draw v ~ μ, reveal with r_v);
 * revealed positions stay.
 */
export function ancestralPolicy(): SamplerPolicy {
  return {
    name: "ancestral",
    subTokens: true,
    step(ctx: StepContext): void {
      const { tokens, schedule, layout: { maskId: V, positionsPerToken: ell }, summary: { candidate } } = ctx;
      const r = schedule.perClass ? schedule.perClass.revealProb(ctx.s, ctx.t) : null;
      const p = r ? 0 : unmaskProbability(schedule.maskProb(ctx.t), schedule.maskProb(ctx.s));
      for (let n = 0; n < tokens.length; n++) {
        if (tokens[n] !== V) continue;
        if (ctx.uniform(n) < (r ? r[candidate[Math.floor(n / ell)]!]! : p)) tokens[n] = ctx.draw(n);
      }
    },
  };
}
