/** The diagonal-Gaussian pieces of VMD's objective as tensor functions (autograd through mean and log-variance). */
import { rand, tidy, type Tensor } from "../../engine/index.js";
import type { BatchUniform } from "../../diffusion/process.js";

/** KL(N(mean, diag e^logVar) ‖ N(0, I)) per dimension [B, dim]: ½(m² + e^lv − 1 − lv). */
export function klPerDimension(mean: Tensor, logVar: Tensor): Tensor {
  return tidy(() => mean.square().add(logVar.exp()).sub(1).sub(logVar).mul(0.5));
}

/** Standard normal noise of a shape [B, …] by Box–Muller from two uniform draws of the batch's noise (shardable by rows). */
export function normalNoise(shape: number[], uniform: BatchUniform = rand): Tensor {
  return tidy(() => {
    const u1 = uniform(shape).neg().add(1); // (0, 1]
    return u1.log().mul(-2).sqrt().mul(uniform(shape).mul(2 * Math.PI).cos());
  });
}

/** z = mean + e^(lv/2)·ε with ε given (the reparameterisation), or drawn by normalNoise. */
export function reparameterize(mean: Tensor, logVar: Tensor, noise?: Tensor): Tensor {
  return tidy(() => mean.add(logVar.mul(0.5).exp().mul(noise ?? normalNoise(mean.shape))));
}
