/** The forward (noising) process and the training-time samplers of diffusion time. */
import { arange, rand, tidy, type Tensor } from "../engine/index.js";

/** MD4's antithetic times t_b = (u + b/B) mod 1, squeezed into [tMin, 1]: one u for the batch. */
export function antitheticTimes(batch: number, tMin = 1e-3): Tensor {
  return tidy(() => {
    const t = rand([]).add(arange(0, batch, 1, { dtype: "float32" }).div(batch));
    return t.sub(t.floor()).mul(1 - tMin).add(tMin);
  });
}

/** MDLM's stratified times t_b = (u_b + b)/B with independent u_b, squeezed into [tMin, 1]. */
export function stratifiedTimes(batch: number, tMin = 1e-3): Tensor {
  return tidy(() => rand([batch]).add(arange(0, batch, 1, { dtype: "float32" })).div(batch).mul(1 - tMin).add(tMin));
}

/** Uniform [0, 1) float32 noise of a shape whose first dimension is the batch. */
export type BatchUniform = (shape: number[]) => Tensor;

/** Masks each position independently with probability maskProb [B] (= 1 − α(t_b)) or [B, S] (one per position); returns the mask (bool [B, S]). */
export function drawMask(shape: [number, number], maskProb: Tensor, uniform: BatchUniform = rand): Tensor {
  return tidy(() => uniform(shape).lt(maskProb.shape.length === 1 ? maskProb.unsqueeze(1) : maskProb));
}

/** z = MASK where masked, x elsewhere. */
export function applyMask(x: Tensor, masked: Tensor, maskId: number): Tensor {
  return x.maskedFill(masked, maskId);
}
