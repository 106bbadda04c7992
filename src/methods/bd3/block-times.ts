/** Per-block diffusion times: the trainer's draws mapped into the optional clipping range, and spread over each block's tokens. */
import { tensor, type Tensor } from "../../engine/index.js";

/**
 * The trainer's times t ∈ [tMin, 1] (one per block, sequence-major) mapped linearly onto [β, ω] when a clip is
 * given (t unchanged otherwise), so that an antithetic or stratified set over [tMin, 1] stays one over [β, ω].
 */
export function clippedTimes(t: Float64Array, tMin: number, clip: readonly [number, number] | undefined): Float64Array {
  if (!clip) return t;
  const [lo, hi] = clip;
  return t.map((ti) => lo + ((hi - lo) * (ti - tMin)) / (1 - tMin));
}

/** Block index of every position 0..L−1 as int64 [L]. */
export function blockOfPosition(L: number, blockSize: number, device = "cpu"): Tensor {
  return tensor(Int32Array.from({ length: L }, (_, i) => Math.floor(i / blockSize)), [L], { dtype: "int64", device });
}

/** A per-block quantity [B, nBlocks] spread to every token of its block: [B, L]. */
export function perToken(perBlock: Tensor, blockOf: Tensor): Tensor {
  return perBlock.indexSelect(1, blockOf);
}
