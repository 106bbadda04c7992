/** Block indices and BD3-LM's attention mask for the training pass over [x_t ; x_0]. */
import { arange, tidy, type Tensor } from "../../engine/index.js";

/** Number of blocks of `blockSize` tokens covering L tokens (the last one short when blockSize does not divide L). */
export function blockCount(L: number, blockSize: number): number {
  return Math.ceil(L / blockSize);
}

/**
 * Boolean [2L, 2L], true where query q may attend to key k in the pass over [x_t ; x_0] (positions 0..L−1 noisy,
 * L..2L−1 clean), with blk(p) = ⌊(p mod L) / L′⌋: allowed iff (same half and same block) or (q noisy, k clean,
 * blk(k) < blk(q)) or (q clean, k clean, blk(k) ≤ blk(q)). A short last block follows the same rule.
 */
export function pairMask(L: number, blockSize: number, device = "cpu"): Tensor {
  return tidy(() => {
    const p = arange(0, 2 * L, 1, { device });
    const clean = p.ge(L);
    const blk = p.sub(clean.to("int64").mul(L)).div(blockSize).floor();
    const [bq, bk] = [blk.unsqueeze(1), blk.unsqueeze(0)];
    const [cq, ck] = [clean.unsqueeze(1), clean.unsqueeze(0)];
    const sameHalfSameBlock = cq.eq(ck).logicalAnd(bq.eq(bk));
    const noisyToEarlierClean = cq.logicalNot().logicalAnd(ck).logicalAnd(bk.lt(bq));
    const cleanToCleanUpToOwn = cq.logicalAnd(ck).logicalAnd(bk.le(bq));
    return sameHalfSameBlock.logicalOr(noisyToEarlierClean).logicalOr(cleanToCleanUpToOwn);
  });
}
