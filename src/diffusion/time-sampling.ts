/** Float64 diffusion-time samplers for evaluation code (the tensor versions live in process.ts). */
import type { Rng } from "../engine/rng.js";

/** MD4's antithetic times: one u for the batch, t_b = tMin + (1 − tMin)·((u + b/B) mod 1). */
export function antithetic(batch: number, rng: Rng, tMin = 1e-3): Float64Array {
  const u = rng.next();
  const t = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const r = u + b / batch;
    t[b] = tMin + (1 - tMin) * (r >= 1 ? r - 1 : r);
  }
  return t;
}

/** MDLM's stratified times: independent u_b, t_b = tMin + (1 − tMin)·(b + u_b)/B (one draw per stratum). */
export function stratified(batch: number, rng: Rng, tMin = 1e-3): Float64Array {
  const t = new Float64Array(batch);
  for (let b = 0; b < batch; b++) t[b] = tMin + ((1 - tMin) * (b + rng.next())) / batch;
  return t;
}
