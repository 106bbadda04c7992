/** Confidence-ordered policy: per step, reveal the most confident masked positions, as many as a schedule says. */
import { confidenceScores, scoreNeeds, type ConfidenceScore } from "./confidence-score.js";
import type { SamplerPolicy, StepContext } from "./policy.js";
import { rankedMasks } from "./ranked-masks.js";
import { masksAfterStep, revealSchedules, type RevealSchedule } from "./reveal-count.js";

/** Options of confidencePolicy. */
export interface ConfidenceOptions {
  /** Ordering score (default "prob"). */
  score?: ConfidenceScore;
  /** Candidate token per position: argmax of μ ("greedy", default) or a draw from μ ("sample"). */
  candidate?: "greedy" | "sample";
  /** Scale of Gumbel noise added to the scores (default 0: none). */
  temperature?: number;
  /** Scale the noise by 1 − (k+1)/T at step k, as MaskGIT does (default true). */
  annealTemperature?: boolean;
  /** How many masks remain after each step (default "linear"). */
  reveal?: RevealSchedule;
  /** Reveal at least this many per step while masks remain (default 1; 0 follows the schedule exactly, allowing idle steps). */
  minRevealPerStep?: number;
}

/** Checks options and fills in defaults. */
function resolve(opts: ConfidenceOptions): Required<ConfidenceOptions> {
  const r: Required<ConfidenceOptions> = {
    score: opts.score ?? "prob",
    candidate: opts.candidate ?? "greedy",
    temperature: opts.temperature ?? 0,
    annealTemperature: opts.annealTemperature ?? true,
    reveal: opts.reveal ?? "linear",
    minRevealPerStep: opts.minRevealPerStep ?? 1,
  };
  if (!confidenceScores.includes(r.score)) {
    throw new Error(`unknown confidence score '${r.score}'; valid: ${confidenceScores.join(", ")}`);
  }
  if (r.candidate !== "greedy" && r.candidate !== "sample") {
    throw new Error(`unknown candidate rule '${String(r.candidate)}'; valid: greedy, sample`);
  }
  if (!(r.temperature >= 0)) throw new Error(`temperature must be ≥ 0, got ${r.temperature}`);
  if (!revealSchedules.includes(r.reveal)) {
    throw new Error(`unknown reveal schedule '${r.reveal}'; valid: ${revealSchedules.join(", ")}`);
  }
  if (!Number.isInteger(r.minRevealPerStep) || r.minRevealPerStep < 0) {
    throw new Error(`minRevealPerStep must be an integer ≥ 0, got ${r.minRevealPerStep}`);
  }
  return r;
}

/** A confidence-ordered policy named "confidence-<score>"; revealed tokens are never changed. */
export function confidencePolicy(options: ConfidenceOptions = {}): SamplerPolicy {
  const o = resolve(options);
  const greedy = o.candidate === "greedy";
  return {
    name: `confidence-${o.score}`,
    needs: scoreNeeds(o.score),
    step(ctx: StepContext): void {
      const { tokens, layout: { maskId: V }, length: L, fixed, step: k, steps: T } = ctx;
      const maskProbS = ctx.schedule.maskProb(ctx.s);
      const tau = o.temperature * (o.annealTemperature ? 1 - (k + 1) / T : 1);
      for (let b = 0; b < ctx.batch; b++) {
        const masked: number[] = [];
        let generated = 0;
        for (let n = b * L; n < (b + 1) * L; n++) {
          if (fixed === null || !fixed[n]) generated++;
          if (tokens[n] === V) masked.push(n);
        }
        const target = masksAfterStep(o.reveal, generated, k, T, maskProbS);
        const reveal = Math.max(masked.length - target, Math.min(o.minRevealPerStep, masked.length));
        if (reveal <= 0) continue;
        const noise = tau > 0 ? (n: number) => -tau * Math.log(-Math.log1p(-ctx.uniform(n))) : undefined; // τ·Gumbel(0, 1)
        const cand = rankedMasks(ctx, b, o.score, greedy, noise);
        for (let r = 0; r < reveal; r++) tokens[cand[r]!.n] = cand[r]!.v;
      }
    },
  };
}
