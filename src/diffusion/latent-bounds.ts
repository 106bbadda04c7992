/**
 * Bounds of latent-variable denoisers whose sampler draws one z ~ N(0, I) per sequence and holds it (VMD's sampler):
 * p(x) = ∫ p(z) p(x | z) dz, so −log p(x) ≤ KL(q(z | x) ‖ p) + E_q[NELBO(x | z)] for any q(z | x). We take q = the
 * encoder at the all-MASK pattern (a function of x alone), one z per sequence, and the z-conditioned masked-diffusion bound.
 */
import type { Rng } from "../engine/rng.js";
import type { BoundOptions, BoundSpec } from "./bounds.js";
import type { Denoiser, States } from "./denoiser.js";
import { drawGaussian, gaussianKl, withLatent } from "./latent.js";
import { continuousNelbo } from "./losses/continuous.js";
import { discreteNelbo } from "./losses/discrete.js";

/** One z ~ q(z | x, all-MASK) per sequence and KL(q ‖ N(0, I)) (nats per sequence). */
export function encodeAllMasked(d: Denoiser, x: States, rng: Rng): { latent: Float64Array; kl: Float64Array } {
  const lm = d.latent;
  if (!lm) throw new Error("this bound needs a latent-variable denoiser (one with an encoder)");
  const { mean, logVar } = lm.posterior(x, new Uint8Array(x.batch * x.length).fill(1));
  return { latent: drawGaussian(mean, logVar, rng), kl: gaussianKl(mean, logVar, lm.dim) };
}

/** KL + the z-conditioned bound `inner`, per sequence (q at the all-MASK pattern, one draw). */
export function withKl(d: Denoiser, x: States, rng: Rng, inner: (dz: Denoiser) => Float64Array): Float64Array {
  const { latent, kl } = encodeAllMasked(d, x, rng);
  return inner(withLatent(d, latent, x.batch)).map((v, b) => v + kl[b]!);
}

/** The T-step NELBO of the fixed-latent sampler, KL(q(z|x) ‖ N(0, I)) + E_q NELBO_T(x | z): a certified upper bound. */
export function fixedLatentStepBound(name: string): BoundSpec {
  return {
    name,
    certified: true,
    discrete: true,
    label: (o: BoundOptions) => `KL(q(z|x) ‖ N(0, I)) + T-step NELBO given z, T = ${o.steps}, for the sampler that draws z once (certified upper bound)`,
    estimate: (d, x, rng, o) => withKl(d, x, rng, (dz) => discreteNelbo(dz, x, o.schedule, o.steps, rng)),
  };
}

/** KL + the continuous NELBO given z over [tMin, 1]: truncated, so not certified. */
export function fixedLatentContinuous(name: string): BoundSpec {
  return {
    name,
    certified: false,
    discrete: false,
    label: (o: BoundOptions) => `KL(q(z|x) ‖ N(0, I)) + NELBO given z, continuous time over t∈[${o.tMin}, 1] (truncated, so not a certified bound)`,
    estimate: (d, x, rng, o) => withKl(d, x, rng, (dz) => continuousNelbo(dz, x, o.schedule, rng, { tMin: o.tMin })),
  };
}
