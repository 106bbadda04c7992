/**
 * The first-hitting policy: every step reveals exactly one masked position per sequence, chosen uniformly among its
 * masked positions, with a value drawn from μ. With n positions masked at time t, the first of them is revealed at the
 * s solving (1 − α(s))/(1 − α(t)) = u^{1/n} (clock.ts), so the steps are the exact reveal events of the continuous-time
 * reverse process, one network call per reveal.
 * clock "exact" (default): a variable-step policy; each sequence's clock jumps to its next reveal time by that closed
 * form and the network is evaluated there, so NFE = number of masked positions, for time-conditioned networks too.
 * clock "grid" (BD3-LM's use inside a block, §5.5): one reveal per step of the loop's fixed grid; the network sees the
 * grid times (exact for time-agnostic denoisers, an approximation for time-conditioned ones); T ≥ (masked positions).
 */
import { nextRevealTime } from "./clock.js";
import type { ClockContext, SamplerPolicy, StepContext } from "./policy.js";

/** How the first-hitting policy advances time. */
export type FirstHittingClock = "exact" | "grid";

/** The valid FirstHittingClock names. */
export const firstHittingClocks: readonly FirstHittingClock[] = ["exact", "grid"];

/** Options of firstHittingPolicy. */
export interface FirstHittingOptions {
  /** "exact" (default): jump to the next reveal time; "grid": the loop's fixed grid. */
  clock?: FirstHittingClock;
}

/** Reveals one uniformly chosen masked (non-prompt) position per sequence to ctx.draw. */
function revealOne(ctx: StepContext): void {
  const { tokens, batch: B, length: L, fixed } = ctx;
  const V = ctx.layout.maskId;
  const masked: number[] = [];
  for (let b = 0; b < B; b++) {
    masked.length = 0;
    for (let n = b * L; n < (b + 1) * L; n++) if (tokens[n] === V && !fixed?.[n]) masked.push(n);
    if (masked.length === 0) continue;
    const n = masked[Math.min(masked.length - 1, Math.floor(ctx.uniform(b * L) * masked.length))]!;
    tokens[n] = ctx.draw(n);
  }
}

/** Moves each sequence's clock to its next reveal time (sequences without a masked position keep theirs). */
function advanceToNextReveal(ctx: ClockContext): void {
  const { tokens, batch: B, length: L, layout: { maskId: V } } = ctx;
  for (let b = 0; b < B; b++) {
    let m = 0;
    for (let n = b * L; n < (b + 1) * L; n++) if (tokens[n] === V) m++;
    if (m > 0) ctx.times[b] = nextRevealTime(ctx.schedule, ctx.times[b]!, m, ctx.uniform(b));
  }
}

/** The first-hitting policy on the exact clock (default) or on the loop's grid; named "first-hitting" or "first-hitting:clock=grid". */
export function firstHittingPolicy(opts: FirstHittingOptions = {}): SamplerPolicy {
  const clock = opts.clock ?? "exact";
  if (!firstHittingClocks.includes(clock)) throw new Error(`unknown first-hitting clock '${String(clock)}'; valid: ${firstHittingClocks.join(", ")}`);
  if (clock === "grid") return { name: "first-hitting:clock=grid", step: revealOne };
  return { name: "first-hitting", untilDone: true, clock: advanceToNextReveal, step: revealOne };
}
