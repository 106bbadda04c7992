/**
 * Nucleus (top-p) filtering on the tensor engine, in the two incompatible variants of the literature
 * (ALGORITHMS.md §1.13), without sorting whole rows. The entries are grouped into buckets by the leading bits
 * of their floating-point pattern (monotone in the value for w ≥ 0: 8 buckets per octave); float64 bucket
 * masses locate the bucket where the cumulative mass crosses p, and only that bucket's entries are sorted
 * (descending, ties by ascending index) to find the exact cut. Rows of at most SORT_WHOLE classes are sorted whole.
 */
import { arange, tidy, zeros, type Tensor } from "../../engine/index.js";

/**
 * "mdlm": keep the entries whose inclusive cumulative sum (in descending order, ties by ascending index) is
 * ≤ p (top-1 always kept); "md4": keep every entry ≥ θ, the largest threshold whose kept mass reaches p (ties all kept).
 */
export type TopPVariant = "mdlm" | "md4";

/** The valid TopPVariant names. */
export const topPVariants: readonly TopPVariant[] = ["mdlm", "md4"];

/** Bucket of every entry of w ≥ 0 [r, C] (int64, ascending with the value) and the number of buckets. */
function buckets(w: Tensor): { ids: Tensor; count: number } {
  if (w.dtype === "float32") return { ids: w.viewAs("int32").to("int64").shiftRight(20), count: 1 << 11 };
  if (w.dtype === "float64") return { ids: w.viewAs("int64").shiftRight(49), count: 1 << 14 };
  throw new Error(`top-p: weights must be float32 or float64, got ${w.dtype}`);
}

/** Rows of at most this many classes are sorted whole: cheaper than bucketing them. */
const SORT_WHOLE = 2048;

/**
 * The bucket where the cumulative mass (from the top) crosses p·W, per row: the mass strictly above it
 * [r, 1] (float64), its entries (bool [r, C]; null: the whole row, for short rows), their count [r, 1] and
 * the largest count k.
 */
function crossingBand(w: Tensor, W: Tensor, goal: Tensor): { above: Tensor; band: Tensor | null; bandSize: Tensor; k: number } {
  const [r, C] = w.shape as [number, number];
  if (C <= SORT_WHOLE) return { above: zeros([r, 1], { dtype: "float64", device: w.device }), band: null, bandSize: zeros([r, 1], { dtype: "int64", device: w.device }).add(C), k: C };
  const { ids, count } = buckets(w);
  const mass = zeros([r, count], { dtype: "float64", device: w.device }).scatterAdd(1, ids, w.to("float64"));
  const cum = mass.cumsum(1); // mass at or below each bucket
  // the highest bucket whose mass at or above it reaches p·W (the mass above bucket j is W − cum_j)
  const crossing = cum.searchsorted(W.sub(goal), true).minimum(count - 1); // [r, 1]
  const above = W.sub(cum.gather(1, crossing)).clamp(0, null);
  const band = ids.eq(crossing);
  const bandSize = band.sum(-1, true);
  return { above, band, bandSize, k: bandSize.max().item() };
}

/**
 * The entries of w [r, C] (weights ≥ 0 with row totals `total` [r] float64) that nucleus filtering at mass
 * topP ∈ (0, 1) keeps, as a bool mask [r, C]. The cumulative masses compare with topP·total.
 */
export function nucleusMask(w: Tensor, total: Tensor, topP: number, variant: TopPVariant): Tensor {
  if (!(topP > 0 && topP < 1)) throw new Error(`nucleusMask: topP must be in (0, 1), got ${topP}`);
  if (!topPVariants.includes(variant)) throw new Error(`unknown top-p variant '${String(variant)}'; valid: ${topPVariants.join(", ")}`);
  return tidy(() => {
    const [r, C] = w.shape as [number, number];
    const W = total.reshape(r, 1);
    const goal = W.mul(topP);
    const { above, band, bandSize, k } = crossingBand(w, W, goal);
    const [topValues, topIndices] = (band ? w.maskedFill(band.logicalNot(), -1) : w).topk(k, -1);
    // descending by value, ties by ascending index: sort by index, then stably by value
    const [byIndex, perm] = topIndices.sort(-1, false);
    const [values, perm2] = topValues.gather(1, perm).sort(-1, true, true);
    const indices = byIndex.gather(1, perm2);
    const cumBand = values.clamp(0, null).to("float64").cumsum(1).add(above); // [r, k]
    let cutValue: Tensor, cutIndex: Tensor;
    if (variant === "md4") {
      const j = cumBand.searchsorted(goal, false).minimum(bandSize.sub(1)); // first entry whose cumulative mass reaches p·W
      cutValue = values.gather(1, j);
      cutIndex = zeros([r, 1], { dtype: "int64", device: w.device }).add(C); // every tie of the cut value kept
    } else {
      // entries kept from the band: those with cumulative mass ≤ p·W, at least one when nothing lies above (top-1)
      const kept = cumBand.searchsorted(goal, true).minimum(bandSize).maximum(above.le(0).to("int64"));
      const last = kept.sub(1).maximum(0);
      cutValue = values.gather(1, last);
      cutIndex = indices.gather(1, last).mul(kept.gt(0)).sub(kept.le(0).to("int64")); // −1: no band entry kept
    }
    const position = arange(0, C, 1, { device: w.device }).reshape(1, C);
    return w.gt(cutValue).logicalOr(w.eq(cutValue).logicalAnd(position.le(cutIndex)));
  });
}
