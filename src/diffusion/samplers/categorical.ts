/**
 * Float64 categorical draws on the tensor engine by inverse CDF in two levels: float64 sums of blocks of
 * BLOCK classes pick a block, a float64 cumulative sum inside that block picks the class. No cumulative sum
 * over whole rows (slow on CPU) and no per-class noise; one float64 uniform per row (ALGORITHMS.md §1.15).
 */
import { arange, cat, tidy, type Tensor } from "../../engine/index.js";

/** Classes per block of the first level. */
export const BLOCK = 256;

/** Float64 sums [r, ⌈C/BLOCK⌉] of consecutive blocks of BLOCK entries of w [r, C] (the last block may be shorter). */
function blockSums(w: Tensor): Tensor {
  const [r, C] = w.shape as [number, number];
  const full = Math.floor(C / BLOCK);
  const parts: Tensor[] = [];
  if (full > 0) parts.push(w.slice(1, 0, full * BLOCK).reshape(r, full, BLOCK).sum(-1, false, "float64"));
  if (C % BLOCK !== 0) parts.push(w.slice(1, full * BLOCK, C).sum(-1, true, "float64"));
  return parts.length === 1 ? parts[0]! : cat(parts, 1);
}

/**
 * The first index j with cdf[j] > target (cdf ascending along the last dim [r, n], target [r, 1]), never past
 * the first index where cdf reaches its total: a class of positive weight even when rounding put target at the total.
 */
function invert(cdf: Tensor, target: Tensor): Tensor {
  const total = cdf.slice(1, -1).contiguous();
  return cdf.searchsorted(target, true).minimum(cdf.searchsorted(total, false));
}

/**
 * One draw per row of w [r, C] (weights ≥ 0, not necessarily normalised, each row with positive total) at
 * the float64 uniforms u [r] in [0, 1): the class c whose cumulative weight interval [W_{c−1}, W_c) holds
 * u·W_C. Returns the class [r] (int64) and the row totals W_C [r] (float64).
 */
export function drawCategorical(w: Tensor, u: Tensor): { index: Tensor; total: Tensor } {
  return tidy(() => {
    const [r, C] = w.shape as [number, number];
    const cdfBlocks = blockSums(w).cumsum(1); // [r, nb] float64
    const total = cdfBlocks.slice(1, -1); // [r, 1]
    const target = u.to("float64", w.device).reshape(r, 1).mul(total);
    const block = invert(cdfBlocks, target); // [r, 1]
    const before = cdfBlocks.gather(1, block.sub(1).maximum(0)).mul(block.gt(0)); // mass of earlier blocks
    const width = Math.min(BLOCK, C);
    const cols = block.mul(BLOCK).add(arange(0, width, 1, { device: w.device }).reshape(1, width)); // [r, width]
    const inside = cols.lt(C);
    const entries = w.gather(1, cols.minimum(C - 1)).to("float64").mul(inside);
    const j = invert(entries.cumsum(1), target.sub(before).clamp(0, null));
    return { index: block.mul(BLOCK).add(j).reshape(r), total: total.reshape(r) };
  });
}
