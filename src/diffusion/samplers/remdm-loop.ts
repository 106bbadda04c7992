/**
 * ReMDM-loop (ALGORITHMS.md §4.5): the generic remasking step on the three-phase schedule of loop-schedule.ts,
 * σ = 0 in phases 1 and 3 and σ = η in phase 2 (the phase of the step's t decides). In phase 2 a revealed token
 * is remasked with probability η and a masked one revealed with probability η·α_on/(1 − α_on). With `conf`
 * (loop+conf) phase 2 spreads η over revealed tokens by confidence, per confidence-remask.ts.
 * The denoiser still receives the grid time t: exact for time-agnostic models; a time-conditioned one sees a
 * time that no longer matches the reshaped α(t).
 */
import type { Schedule } from "../schedule.js";
import { spreadByConfidence } from "./confidence-remask.js";
import { checkLoopShape, loopPhase, loopPhaseSchedule, loopSchedule, type LoopShape } from "./loop-schedule.js";
import type { StepContext } from "./policy.js";
import { remaskingPolicy, type RemaskPlan, type RemaskingPolicy } from "./remasking-policy.js";
import { scoredPolicy, type ScoresOption } from "./remdm-conf.js";
import { remdmDefaults, type RemdmCompat } from "./remdm-params.js";
import { sigmaMax } from "./remask-step.js";
import { canonicalSpec } from "./sampler-options.js";
import { RevealScores } from "./reveal-scores.js";

/** Options of remdmLoopPolicy (defaults η 0.02, t_on 0.55, t_off 0.05, α_on 0.9). */
export interface LoopOptions extends Partial<LoopShape>, ScoresOption {
  /** Phase-2 remasking probability η ∈ [0, (1 − α_on)/α_on]. */
  eta?: number;
  /** Spread η by confidence (loop+conf). */
  conf?: boolean;
  /** "official": the official code's phase rule at straddling steps (loopPhaseSchedule) and grid; default "ours". */
  compat?: RemdmCompat;
}

/** ReMDM-loop ("remdm-loop"), or loop+conf ("remdm-loop-conf") with opts.conf. */
export function remdmLoopPolicy(opts: LoopOptions = {}): RemaskingPolicy {
  const who = opts.conf ? "remdm-loop-conf" : "remdm-loop";
  const shape = { tOn: opts.tOn ?? remdmDefaults.tOn, tOff: opts.tOff ?? remdmDefaults.tOff, alphaOn: opts.alphaOn ?? remdmDefaults.alphaOn };
  const eta = opts.eta ?? remdmDefaults.eta;
  checkLoopShape(who, shape);
  const etaMax = (1 - shape.alphaOn) / shape.alphaOn;
  if (!(eta >= 0 && eta <= etaMax * (1 + 1e-12))) { // the tolerance admits 1/9 for α_on = 0.9; σ is clamped to σ_max anyway
    throw new Error(`${who}: eta must be in [0, (1 − alpha_on)/alpha_on] = [0, ${etaMax}] for alpha_on = ${shape.alphaOn}, got ${eta}`);
  }
  const official = opts.compat === "official";
  let base: Schedule | null = null;
  let reshaped: Schedule[] = [];
  // ours: one continuous schedule; official: per phase of t, that phase's formula (also at s)
  const scheduleFor = (b: Schedule, phase: 1 | 2 | 3): Schedule => {
    if (b !== base) {
      base = b;
      reshaped = official ? ([1, 2, 3] as const).map((p) => loopPhaseSchedule(b, shape, p)) : [loopSchedule(b, shape)];
    }
    return reshaped[official ? phase - 1 : 0]!;
  };
  const scores = opts.scores ?? new RevealScores();
  const plan = (ctx: StepContext): RemaskPlan => {
    const phase = loopPhase(ctx.t, shape);
    const schedule = scheduleFor(ctx.schedule, phase);
    const on = phase === 2;
    if (!opts.conf || !on) return { schedule, sigma: on ? eta : 0 };
    const max = sigmaMax(schedule.alpha(ctx.t), schedule.maskProb(ctx.s));
    return { schedule, sigma: spreadByConfidence(ctx, scores, eta, max) };
  };
  const name = canonicalSpec(who, { ...shape, eta, compat: opts.compat }, ["eta", "t_on", "t_off", "alpha_on", "compat"]);
  const policy = opts.conf ? scoredPolicy(name, scores, plan) : remaskingPolicy(name, plan);
  return official ? { ...policy, grid: "official" } : policy;
}
