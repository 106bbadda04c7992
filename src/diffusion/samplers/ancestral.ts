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

/** The per-class step (GenMD4, §2.5): each masked position draws v from ctx.draw, then is revealed as v with probability r_v. */
function perClassStep(ctx: StepContext, reveal: Float64Array): void {
  const { tokens, rng } = ctx;
  for (let n = 0; n < tokens.length; n++) {
    if (tokens[n] !== ctx.layout.maskId) continue;
    const v = ctx.draw(n);
    if (rng.next() < reveal[v]!) tokens[n] = v;
  }
}

/**
 * Each masked position is revealed with probability unmaskProbability to ctx.draw (a draw from μ; with
 * sub-tokens, one class per token whose digits the revealed positions copy: MDM-Prime's sampler); revealed positions stay.
 */
export function ancestralPolicy(): SamplerPolicy {
  return {
    name: "ancestral",
    subTokens: true,
    step(ctx: StepContext): void {
      const { tokens, rng, schedule } = ctx;
      const V = ctx.layout.maskId;
      if (schedule.perClass) return perClassStep(ctx, schedule.perClass.revealProb(ctx.s, ctx.t));
      const p = unmaskProbability(schedule.maskProb(ctx.t), schedule.maskProb(ctx.s));
      for (let n = 0; n < tokens.length; n++) {
        if (tokens[n] !== V) continue;
        if (rng.next() < p) tokens[n] = ctx.draw(n);
      }
    },
  };
}
