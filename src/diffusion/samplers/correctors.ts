/**
 * The forward–backward (FB) and discrete-flow-matching (DFM) correctors as σ rules of the generic
 * remasking step (ALGORITHMS.md §4.6). DFM here runs on the loop's fixed time grid: the reference code's
 * adaptive step size dt = min(1/T, 1/((1+β)/t + β/(1−t))) is NOT implemented; instead σ is clamped to
 * σ_max like every ReMDM σ, which keeps the step's probabilities valid and its marginals exact.
 */
import { remaskingPolicy, type RemaskingPolicy } from "./remasking-policy.js";
import type { RemdmCompat } from "./remdm-params.js";

/** FB: σ = (α(s) − α(t))/α(t), written (m_t − m_s)/α(t) with m = 1 − α; 1 when α(t) = 0. */
export function fbSigma(alphaT: number, maskProbT: number, maskProbS: number): number {
  return alphaT > 0 ? (maskProbT - maskProbS) / alphaT : 1;
}

/** DFM's β_t = 10·m^{1/4}·(1 − m)^{1/4}, m = 1 − α(t) the masking probability at t. */
export function dfmBeta(maskProbT: number): number {
  return 10 * Math.pow(maskProbT, 0.25) * Math.pow(Math.max(0, 1 - maskProbT), 0.25);
}

/** DFM: σ = β_t·(α(s) − α(t))/α(t); 0 when α(t) = 0 (a plain MDLM step at t = 1). */
export function dfmSigma(alphaT: number, maskProbT: number, maskProbS: number): number {
  return alphaT > 0 ? (dfmBeta(maskProbT) * (maskProbT - maskProbS)) / alphaT : 0;
}

/**
 * The forward–backward corrector, named "fb". Its σ is clamped to σ_max like every ReMDM σ; with
 * compat "official" it is not (the official code's FB branch does not clamp: σ > σ_max once m_t > 2·m_s,
 * and then every masked position is revealed), and the policy runs on the official grid.
 */
export function fbPolicy(opts: { compat?: RemdmCompat } = {}): RemaskingPolicy {
  const official = opts.compat === "official";
  const policy = remaskingPolicy("fb", (ctx) => {
    const { schedule: a, t, s } = ctx;
    return { schedule: a, sigma: fbSigma(a.alpha(t), a.maskProb(t), a.maskProb(s)), ...(official ? { clampSigma: false } : {}) };
  });
  return official ? { ...policy, grid: "official" } : policy;
}

/** The DFM corrector without adaptive step size, named "dfm". */
export function dfmPolicy(): RemaskingPolicy {
  return remaskingPolicy("dfm", (ctx) => {
    const { schedule: a, t, s } = ctx;
    return { schedule: a, sigma: dfmSigma(a.alpha(t), a.maskProb(t), a.maskProb(s)) };
  });
}
