/**
 * Monte-Carlo estimates of the per-block bound Σ_j NELBO(x^j | x^{<j}) (§5.5 with §1.5 / §1.8 inside each block)
 * under a Denoiser that reads the clean sequence from extras.context: one time per block, antithetic over batch × blocks.
 */
import type { Rng } from "../../engine/rng.js";
import { predictLogProbs, type Denoiser, type PredictExtras, type States } from "../../diffusion/denoiser.js";
import { forwardSampleBatch, reconstructionTerm } from "../../diffusion/losses/continuous.js";
import { discreteCoefficient } from "../../diffusion/losses/discrete.js";
import type { Schedule } from "../../diffusion/schedule.js";
import { antithetic } from "../../diffusion/time-sampling.js";
import { blockCount } from "./mask.js";

/** The time integral of each block: continuous over [tMin, 1], or the exact T-step bound on the grid k/T. */
export type BlockForm = { kind: "continuous"; tMin: number } | { kind: "steps"; T: number };

/** Times t [B·N_B] and the coefficient each block's masked cross-entropy is multiplied by. */
function blockTimes(n: number, schedule: Schedule, form: BlockForm, rng: Rng): { t: Float64Array; coef: Float64Array } {
  if (form.kind === "continuous") {
    const t = antithetic(n, rng, form.tMin);
    return { t, coef: t.map((tb) => (1 - form.tMin) * schedule.weight(tb)) };
  }
  const { T } = form;
  if (!Number.isInteger(T) || T < 1) throw new Error(`block NELBO: T must be a positive integer, got ${T}`);
  const k = antithetic(n, rng, 0).map((u) => Math.min(T, Math.floor(u * T) + 1));
  return { t: k.map((kb) => kb / T), coef: k.map((kb) => T * discreteCoefficient(schedule, (kb - 1) / T, kb / T)) };
}

/** One draw of the per-block forward process: the noisy states, each token's time, and each block's time and coefficient. */
export interface BlockNoise {
  y: States;
  tokenTimes: Float64Array;
  /** Time of each block [B·N_B], sequence-major. */
  t: Float64Array;
  coef: Float64Array;
  blocks: number;
}

/** Block j of sequence b at time t_{b,j} (antithetic over batch × blocks), its tokens masked with probability 1 − α(t_{b,j}). */
export function blockNoise(x: States, blockSize: number, schedule: Schedule, rng: Rng, form: BlockForm, maskId: number): BlockNoise {
  const { batch: B, length: L } = x;
  const blocks = blockCount(L, blockSize);
  const { t, coef } = blockTimes(B * blocks, schedule, form, rng);
  const tokenTimes = Float64Array.from({ length: B * L }, (_, n) => t[Math.floor(n / L) * blocks + Math.floor((n % L) / blockSize)]!);
  const alphas = tokenTimes.map((tn) => schedule.alpha(tn));
  const y = forwardSampleBatch(x, (b, _clean, i) => alphas[b * L + i]!, maskId, rng);
  return { y, tokenTimes, t, coef, blocks };
}

/** Σ over the masked tokens of each block of −log μ^i[x_i] [B·N_B], the prediction reading extras (context = x added). */
export function blockCrossEntropy(denoiser: Denoiser, x: States, blockSize: number, noise: BlockNoise, extras?: PredictExtras): Float64Array {
  const { layout } = denoiser;
  const { batch: B, length: L } = x;
  const { y, blocks } = noise;
  const logp = predictLogProbs(denoiser, y, noise.tokenTimes, { ...extras, context: x.tokens });
  const C = layout.classes;
  const ce = new Float64Array(B * blocks);
  for (let n = 0; n < B * L; n++) if (y.tokens[n] === layout.maskId) ce[Math.floor(n / L) * blocks + Math.floor((n % L) / blockSize)] -= logp[n * C + x.tokens[n]!]!;
  return ce;
}

/**
 * One-sample estimate (nats) per clean sequence of x: block j of sequence b at time t_{b,j}, its tokens masked with
 * probability 1 − α(t_{b,j}), value Σ_j coef_{b,j}·Σ_{masked i ∈ j} −log μ^i[x_i] + reconstructionTerm.
 */
export function blockNelbo(denoiser: Denoiser, x: States, blockSize: number, schedule: Schedule, rng: Rng, form: BlockForm): Float64Array {
  const { layout } = denoiser;
  if (layout.positionsPerToken !== 1 || layout.groupSize !== 1) throw new Error("block NELBO: one state position per token only");
  const noise = blockNoise(x, blockSize, schedule, rng, form, layout.maskId);
  const ce = blockCrossEntropy(denoiser, x, blockSize, noise);
  const out = new Float64Array(x.batch).fill(reconstructionTerm(schedule, x.length, layout));
  ce.forEach((c, j) => {
    if (c > 0) out[Math.floor(j / noise.blocks)] += noise.coef[j]! * c;
  });
  return out;
}
