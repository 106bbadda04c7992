/** The shape shared by the ReMDM family: a σ rule (a "plan") executed by the generic remasking step. */
import type { Schedule } from "../schedule.js";
import type { SamplerPolicy, StepContext } from "./policy.js";
import { remaskProbabilities, remaskStep } from "./remask-step.js";

/** What a ReMDM-family policy decides for one step, before any random draw. */
export interface RemaskPlan {
  /** The schedule α the step uses (ctx.schedule, or a reshaped one such as ReMDM-loop's). */
  readonly schedule: Schedule;
  /** σ for every position [B·L] (or one value for all), before clamping to σ_max. */
  readonly sigma: Float64Array | number;
  /** Clamp σ to σ_max (default true; false only for fb with compat=official, as the official code does not clamp). */
  readonly clampSigma?: boolean;
}

/** A policy whose step is remaskStep under plan(ctx); plan is pure (no draws, no state change). */
export interface RemaskingPolicy extends SamplerPolicy {
  /** The σ rule of this step at the state ctx.tokens. */
  plan(ctx: StepContext): RemaskPlan;
}

/** The step context with the plan's schedule in place of the loop's. */
export function planContext(ctx: StepContext, plan: RemaskPlan): StepContext {
  return plan.schedule === ctx.schedule ? ctx : { ...ctx, schedule: plan.schedule };
}

/** Per-position change probabilities [B·L] of `policy`'s next step from ctx (see remaskProbabilities). */
export function planProbabilities(policy: RemaskingPolicy, ctx: StepContext): Float64Array {
  const plan = policy.plan(ctx);
  return remaskProbabilities(planContext(ctx, plan), plan.sigma, plan.clampSigma ?? true);
}

/** Runs plan(ctx) through remaskStep in place. */
export function runPlan(ctx: StepContext, plan: RemaskPlan): void {
  remaskStep(planContext(ctx, plan), plan.sigma, plan.clampSigma ?? true);
}

/** A stateless RemaskingPolicy from a name and a σ rule. */
export function remaskingPolicy(name: string, plan: (ctx: StepContext) => RemaskPlan): RemaskingPolicy {
  return { name, plan, subTokens: true, step: (ctx) => runPlan(ctx, plan(ctx)) };
}
