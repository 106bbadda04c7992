/** ReMDM-cap and ReMDM-rescale (ALGORITHMS.md §4.4): one σ per step, min(η_cap, σ_max) or η_rescale·σ_max. */
import type { StepContext } from "./policy.js";
import { remaskingPolicy, type RemaskingPolicy } from "./remasking-policy.js";
import { checkRange, remdmDefaults } from "./remdm-params.js";
import { sigmaMax } from "./remask-step.js";
import { canonicalSpec } from "./sampler-options.js";

/** σ_max of the step ctx describes, under ctx.schedule. */
export function stepSigmaMax(ctx: StepContext): number {
  return sigmaMax(ctx.schedule.alpha(ctx.t), ctx.schedule.maskProb(ctx.s));
}

/** ReMDM-cap: σ_t = min(η_cap, σ_max), η_cap ∈ [0, 1] (default 0.008); η_cap = 0 is the ancestral sampler. */
export function remdmCapPolicy(opts: { etaCap?: number } = {}): RemaskingPolicy {
  const eta = opts.etaCap ?? remdmDefaults.etaCap;
  checkRange("remdm-cap", "eta_cap", eta, 0, 1);
  const name = canonicalSpec("remdm-cap", { etaCap: eta }, ["eta_cap"]);
  return remaskingPolicy(name, (ctx) => ({ schedule: ctx.schedule, sigma: Math.min(eta, stepSigmaMax(ctx)) }));
}

/** ReMDM-rescale: σ_t = η_rescale·σ_max, η_rescale ∈ [0, 1] (default 0.015); η_rescale = 0 is the ancestral sampler. */
export function remdmRescalePolicy(opts: { etaRescale?: number } = {}): RemaskingPolicy {
  const eta = opts.etaRescale ?? remdmDefaults.etaRescale;
  checkRange("remdm-rescale", "eta_rescale", eta, 0, 1);
  const name = canonicalSpec("remdm-rescale", { etaRescale: eta }, ["eta_rescale"]);
  return remaskingPolicy(name, (ctx) => ({ schedule: ctx.schedule, sigma: eta * stepSigmaMax(ctx) }));
}
