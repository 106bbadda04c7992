/** The generic ReMDM step of ALGORITHMS.md §4.3: masked positions may reveal, revealed ones may remask, with per-position σ. */
import type { StepContext } from "./policy.js";

/** σ_max = min(1, (1 − α(s))/α(t)), the largest admissible remasking probability; 1 when α(t) = 0 (nothing to remask yet). */
export function sigmaMax(alphaT: number, maskProbS: number): number {
  if (!(alphaT > 0)) return 1;
  return Math.min(1, Math.max(0, maskProbS / alphaT));
}

/** σ at flat position n: the number itself, or entry n of a [B·L] array; must be finite and ≥ 0. */
function sigmaAt(sigma: Float64Array | number, n: number): number {
  const x = typeof sigma === "number" ? sigma : sigma[n]!;
  if (!(x >= 0) || !Number.isFinite(x)) throw new Error(`remasking probability σ must be a finite number ≥ 0, got ${x} at position ${n}`);
  return x;
}

/**
 * Per-position probability [B·L] that the step t → s changes the kind of a position, with σ clamped to σ_max
 * (unless clampSigma is false: the official code's forward–backward corrector, whose σ can exceed σ_max; the
 * probabilities are then cut to [0, 1], as the official sampler's draw from unnormalised, partly negative
 * weights amounts to):
 * revealed → P(remask) = σ (0 at prompt positions); masked → P(reveal) = (α(s) − (1 − σ)α(t))/(1 − α(t)),
 * computed as (m_t − m_s + σ·α(t))/m_t with m = 1 − α (σ = 0 gives the ancestral probability bit for bit).
 */
export function remaskProbabilities(ctx: StepContext, sigma: Float64Array | number, clampSigma = true): Float64Array {
  const { tokens, fixed, schedule } = ctx;
  const V = ctx.layout.maskId;
  if (typeof sigma !== "number" && sigma.length !== tokens.length) {
    throw new Error(`σ has ${sigma.length} entries, expected B·L = ${tokens.length}`);
  }
  const alphaT = schedule.alpha(ctx.t);
  const mT = schedule.maskProb(ctx.t);
  const mS = schedule.maskProb(ctx.s);
  const cap = clampSigma ? sigmaMax(alphaT, mS) : Infinity;
  const out = new Float64Array(tokens.length);
  for (let n = 0; n < tokens.length; n++) {
    if (fixed !== null && fixed[n]) continue;
    const sig = Math.min(sigmaAt(sigma, n), cap);
    if (tokens[n] !== V) {
      out[n] = Math.min(1, sig);
      continue;
    }
    if (!(mT > 0)) throw new Error(`reveal probability undefined for 1 − α(t) = ${mT} (need α(t) < 1)`);
    out[n] = Math.min(1, Math.max(0, (mT - mS + sig * alphaT) / mT));
  }
  return out;
}

/**
 * One remasking step in place on ctx.tokens: each revealed position is remasked with probability min(σ, σ_max)
 * (no random draw when that is 0), each masked one revealed to ctx.draw (a draw from μ) with the §4.1
 * probability. With sub-tokens every digit is a position: digits remask and reveal independently, and the
 * digits of one token revealed in a step copy one class drawn from the token's restricted joint.
 */
export function remaskStep(ctx: StepContext, sigma: Float64Array | number, clampSigma = true): void {
  const { tokens } = ctx;
  const V = ctx.layout.maskId;
  const q = remaskProbabilities(ctx, sigma, clampSigma);
  for (let n = 0; n < tokens.length; n++) {
    if (tokens[n] !== V) {
      if (q[n]! > 0 && ctx.uniform(n) < q[n]!) tokens[n] = V;
    } else if (ctx.uniform(n) < q[n]!) {
      tokens[n] = ctx.draw(n);
    }
  }
}
