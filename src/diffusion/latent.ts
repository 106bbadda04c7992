/** Host-side pieces of latent-variable denoisers: diagonal-Gaussian KL, draws, and a denoiser with its latent bound. */
import type { Rng } from "../engine/rng.js";
import type { Denoiser, PredictExtras, States } from "./denoiser.js";

/** KL(N(mean, diag e^logVar) ‖ N(0, I)) per row [batch]: ½ Σ_d (m² + e^lv − 1 − lv). */
export function gaussianKl(mean: Float64Array, logVar: Float64Array, dim: number): Float64Array {
  const out = new Float64Array(mean.length / dim);
  for (let k = 0; k < mean.length; k++) out[Math.floor(k / dim)] += 0.5 * (mean[k]! ** 2 + Math.exp(logVar[k]!) - 1 - logVar[k]!);
  return out;
}

/** One draw z = mean + e^(lv/2)·ε per element (ε from rng). */
export function drawGaussian(mean: Float64Array, logVar: Float64Array, rng: Rng): Float64Array {
  return mean.map((m, k) => m + Math.exp(0.5 * logVar[k]!) * rng.normal());
}

/** `count` standard-normal values from rng. */
export function priorDraw(count: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: count }, () => rng.normal());
}

/** The denoiser conditioned on one latent per sequence of a batch of `batch` rows (every predict call must be on that batch; other extras pass through). */
export function withLatent(d: Denoiser, latent: Float64Array, batch: number): Denoiser {
  return {
    layout: d.layout,
    parameterization: d.parameterization,
    timeConditioned: d.timeConditioned,
    predict(states: States, t: Float64Array, extras?: PredictExtras): Float64Array {
      if (states.batch !== batch) throw new Error(`withLatent: the latent is for ${batch} sequences, predict got ${states.batch}`);
      return d.predict(states, t, { ...extras, latent });
    },
  };
}
