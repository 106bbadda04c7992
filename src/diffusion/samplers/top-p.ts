/** Nucleus (top-p) filtering of clean-token distributions, in the two incompatible variants of the literature. */

/**
 * "mdlm": keep the entries whose inclusive cumulative sum is ≤ p (top-1 always kept, ties cut by position);
 * "md4": keep every entry ≥ θ, the largest threshold whose kept mass reaches p (ties all kept).
 */
export type TopPVariant = "mdlm" | "md4";

/** Indices 0..n-1 of a row sorted by descending probability, ties by ascending index. */
function descendingOrder(p: Float64Array, off: number, n: number): number[] {
  const idx = Array.from({ length: n }, (_, v) => v);
  return idx.sort((a, b) => p[off + b]! - p[off + a]! || a - b);
}

/** Number of leading entries of `order` that the variant keeps for threshold topP < 1. */
function keptCount(p: Float64Array, off: number, order: number[], topP: number, variant: TopPVariant): number {
  let cum = 0;
  if (variant === "mdlm") {
    let kept = 1;
    for (let r = 0; r < order.length; r++) {
      cum += p[off + order[r]!]!;
      if (cum <= topP) kept = r + 1;
      else break;
    }
    return kept;
  }
  // md4: walk whole tie groups; θ is the value of the first group at which the kept mass reaches p.
  let r = 0;
  while (r < order.length) {
    const value = p[off + order[r]!]!;
    while (r < order.length && p[off + order[r]!]! === value) cum += p[off + order[r++]!]!;
    if (cum >= topP) return r;
  }
  return order.length;
}

/**
 * Filters one probability row p[off..off+n) in place and renormalises it. The row must sum to 1
 * (as μ from subsProbs does); topP ∈ (0, 1], and topP = 1 leaves the row untouched.
 */
export function topPRow(p: Float64Array, off: number, n: number, topP: number, variant: TopPVariant): void {
  if (!(topP > 0 && topP <= 1)) throw new Error(`topP must be in (0, 1], got ${topP}`);
  if (topP === 1) return;
  const order = descendingOrder(p, off, n);
  const kept = keptCount(p, off, order, topP, variant);
  let total = 0;
  for (let r = 0; r < kept; r++) total += p[off + order[r]!]!;
  for (let r = kept; r < n; r++) p[off + order[r]!] = 0;
  for (let r = 0; r < kept; r++) p[off + order[r]!]! /= total;
}

/** Applies topPRow to every row of a flat [rows, V] buffer in place; returns the same buffer. */
export function topPInPlace(probs: Float64Array, V: number, topP: number, variant: TopPVariant): Float64Array {
  if (topP === 1) return probs;
  for (let off = 0; off < probs.length; off += V) topPRow(probs, off, V, topP, variant);
  return probs;
}
