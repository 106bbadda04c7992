/**
 * ReMDM remasking with the threshold rule ("remdm-threshold"), a variable-step policy. Per sequence and step:
 * 1. reveal R by the confidence-threshold rule (threshold.ts): every masked position with confidence ≥ τ, at least one,
 *    at most `cap`; each revealed position keeps ψ, the confidence it was revealed with;
 * 2. remask, ReMDM-style, positions revealed in earlier steps below the threshold (ψ < τ: the forced reveals), each with
 *    probability η_cap (ReMDM-cap's constant σ), visited from the lowest ψ up, at most |R| − 1 of them.
 * So a low-confidence reveal can be revised once the model is confident elsewhere, and every step still leaves, net,
 * at least one masked position fewer: the policy ends within as many steps as there are masked positions.
 */
import { scoreNeeds } from "./confidence-score.js";
import type { SamplerPolicy } from "./policy.js";
import { checkRange, remdmDefaults } from "./remdm-params.js";
import { thresholdReveals, thresholdRule, type ThresholdOptions } from "./threshold.js";

/** Options of remdmThresholdPolicy. */
export interface RemdmThresholdOptions extends ThresholdOptions {
  /** Remasking probability η_cap ∈ [0, 1] of each eligible position (default ReMDM-cap's 0.008). */
  etaCap?: number;
}

/** The ReMDM-threshold policy (see the file comment). */
export function remdmThresholdPolicy(opts: RemdmThresholdOptions = {}): SamplerPolicy {
  const rule = thresholdRule(opts);
  const eta = opts.etaCap ?? remdmDefaults.etaCap;
  checkRange("remdm-threshold", "eta_cap", eta, 0, 1);
  let psi = new Float64Array(0);
  return {
    name: "remdm-threshold",
    untilDone: true,
    needs: scoreNeeds(rule.score),
    begin(ctx) {
      psi = new Float64Array(ctx.tokens.length).fill(Infinity);
    },
    step(ctx) {
      const { tokens, fixed, length: L, layout: { maskId: V } } = ctx;
      if (psi.length !== tokens.length) psi = new Float64Array(tokens.length).fill(Infinity);
      for (let b = 0; b < ctx.batch; b++) {
        const eligible: number[] = [];
        for (let n = b * L; n < (b + 1) * L; n++) if (tokens[n] !== V && !fixed?.[n] && psi[n]! < rule.tau) eligible.push(n);
        eligible.sort((x, y) => psi[x]! - psi[y]! || x - y);
        const reveals = thresholdReveals(ctx, b, rule);
        if (reveals.length === 0) continue; // a finished sequence stays finished
        for (const { n, v, c } of reveals) {
          tokens[n] = v;
          psi[n] = c;
        }
        let budget = reveals.length - 1;
        for (const n of eligible) {
          if (budget <= 0) break;
          if (ctx.uniform(n) >= eta) continue;
          tokens[n] = V;
          psi[n] = Infinity;
          budget--;
        }
      }
    },
  };
}
