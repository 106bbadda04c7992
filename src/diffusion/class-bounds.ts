/**
 * Likelihood bounds under a state-dependent schedule (one α_v per clean class, ALGORITHMS.md §2), in float64 for any
 * Denoiser with one position per token: the continuous-time NELBO with its reconstruction term, and the exact T-step NELBO
 * of the per-class ancestral sampler (reveal a masked position with r_v after drawing v ~ μ).
 */
import type { Rng } from "../engine/rng.js";
import type { BoundSpec } from "./bounds.js";
import type { ClassSchedule } from "./class-schedule.js";
import { predictLogProbs, type Denoiser, type States } from "./denoiser.js";
import { forwardSampleBatch } from "./losses/continuous.js";
import type { Schedule } from "./schedule.js";
import { antithetic } from "./time-sampling.js";

/** The per-class part of a schedule, or an error saying that these bounds need one. */
function perClassOf(schedule: Schedule, denoiser: Denoiser): ClassSchedule {
  const pc = schedule.perClass;
  if (!pc) throw new Error(`schedule '${schedule.name}' is scalar; the per-class bounds need a state-dependent schedule`);
  if (denoiser.layout.positionsPerToken !== 1 || denoiser.layout.groupSize !== 1) throw new Error("per-class bounds need one position per token");
  if (pc.classes !== denoiser.layout.classes) throw new Error(`schedule has ${pc.classes} classes, the denoiser ${denoiser.layout.classes}`);
  if (pc.logAlpha(1).some((a) => a > -Infinity)) throw new Error(`schedule '${schedule.name}' keeps tokens visible at t = 1 (α_v(1) > 0): no all-MASK prior, no bound`);
  return pc;
}

/** Σ over masked positions of sequence b of cost(row, clean class), per sequence. */
function sumMasked(y: States, y0: States, maskId: number, cost: (b: number, row: number, clean: number) => number): Float64Array {
  const out = new Float64Array(y.batch);
  for (let b = 0; b < y.batch; b++) {
    for (let i = b * y.length; i < (b + 1) * y.length; i++) if (y.tokens[i] === maskId) out[b] += cost(b, i, y0.tokens[i]!);
  }
  return out;
}

/**
 * Per-sequence Σ_{masked i} g_i with g_i = Σ_v ρ_v·(a_v − μ_v + a_v log μ_v), ρ = −weight(t_b) (a = one-hot of the clean
 * class): the KL rate of the reverse process at t_b, ≥ 0 term by term; all weights equal gives w·CE.
 */
export function classIntegrand(logp: Float64Array, y: States, y0: States, C: number, weights: Float64Array[]): Float64Array {
  return sumMasked(y, y0, C, (b, i, x) => {
    const w = weights[b]!;
    let g = w[x]! * -logp[i * C + x]! - w[x]!;
    for (let v = 0; v < C; v++) g += w[v]! * Math.exp(logp[i * C + v]!);
    return g;
  });
}

/**
 * Per-sequence Σ_{masked i} KL(q(z_s^i | z_t, x) ‖ p(z_s^i | z_t)), q revealing x_i with r_{x_i}, p revealing v with μ_v·r_v:
 * r_x·(−log μ_x) + (1 − r_x)·log((1 − r_x)/Σ_v μ_v(1 − r_v)).
 */
export function classStepKl(logp: Float64Array, y: States, y0: States, C: number, reveals: Float64Array[]): Float64Array {
  return sumMasked(y, y0, C, (b, i, x) => {
    const r = reveals[b]!;
    let kl = r[x]! * -logp[i * C + x]!;
    if (r[x]! < 1) {
      let stay = 0;
      for (let v = 0; v < C; v++) stay += Math.exp(logp[i * C + v]!) * (1 - r[v]!);
      kl += (1 - r[x]!) * Math.log((1 - r[x]!) / stay);
    }
    return kl;
  });
}

/**
 * Per-sequence reconstruction term at t1: Σ_i (1 − α_{x_i}(t1))·(−log softmax_v(log(1 − α_v(t1)))[x_i]) — each position
 * masked at t1 decoded with the class posterior under a uniform prior; 0 when nothing is masked at t1.
 */
export function classReconstruction(y0: States, pc: ClassSchedule, t1: number): Float64Array {
  const logM = pc.logMaskProb(t1);
  const top = Math.max(...logM);
  const out = new Float64Array(y0.batch);
  if (top === -Infinity) return out;
  const lse = top + Math.log(logM.reduce((a, l) => a + Math.exp(l - top), 0));
  for (let b = 0; b < y0.batch; b++) {
    for (let i = b * y0.length; i < (b + 1) * y0.length; i++) out[b] += Math.exp(logM[y0.tokens[i]!]!) * (lse - logM[y0.tokens[i]!]!);
  }
  return out;
}

/** y ~ q(·|x, t_b) under the per-class schedule, with the denoiser's log-probabilities of y. */
function noisyBatch(d: Denoiser, x: States, pc: ClassSchedule, t: Float64Array, rng: Rng): { y: States; logp: Float64Array } {
  const keep = Array.from(t, (tb) => pc.logAlpha(tb).map(Math.exp));
  const y = forwardSampleBatch(x, (b, v) => keep[b]![v]!, d.layout.maskId, rng);
  return { y, logp: predictLogProbs(d, y, t) };
}

/**
 * The continuous-time NELBO of a per-class schedule: reconstruction at t1 = tMin, plus ∫_{t1}^1 estimated at one antithetic t_b,
 * plus the prior term (0: α_v(1) = 0 is required). A certified upper bound on −log p of the continuous-time reverse process.
 */
export function classContinuousBound(name: string): BoundSpec {
  return {
    name,
    certified: true,
    discrete: false,
    label: (o) => `NELBO of the per-class schedule, continuous time: ∫ over [${o.tMin}, 1] + reconstruction on [0, ${o.tMin}] (certified upper bound)`,
    estimate(d, x, rng, o) {
      const pc = perClassOf(o.schedule, d);
      const t = antithetic(x.batch, rng, o.tMin);
      const { y, logp } = noisyBatch(d, x, pc, t, rng);
      const g = classIntegrand(logp, y, x, pc.classes, Array.from(t, (tb) => pc.weight(tb)));
      const recon = classReconstruction(x, pc, o.tMin);
      return g.map((gb, b) => (1 - o.tMin) * gb + recon[b]!);
    },
  };
}

/** The exact T-step NELBO of the per-class ancestral sampler on the grid k/T (certified upper bound on its −log p). */
export function classStepBound(name: string): BoundSpec {
  return {
    name,
    certified: true,
    discrete: true,
    label: (o) => `T-step NELBO of the per-class sampler, T = ${o.steps} (certified upper bound)`,
    estimate(d, x, rng, o) {
      const pc = perClassOf(o.schedule, d);
      const T = o.steps;
      const k = antithetic(x.batch, rng, 0).map((u) => Math.min(T, Math.floor(u * T) + 1));
      const { y, logp } = noisyBatch(d, x, pc, k.map((kb) => kb / T), rng);
      const kl = classStepKl(logp, y, x, pc.classes, Array.from(k, (kb) => pc.revealProb((kb - 1) / T, kb / T)));
      const recon = classReconstruction(x, pc, 0);
      return kl.map((v, b) => T * v + recon[b]!);
    },
  };
}
