/** Rotary position embedding (RoPE) in the half-split layout. */
import { arange, cat, tidy, type Tensor } from "../engine/index.js";

/** cos and sin tables [n, headDim/2] for the positions in `pos` (float32 [n]). */
export function rotaryTablesAt(pos: Tensor, headDim: number): { cos: Tensor; sin: Tensor } {
  return tidy(() => {
    const idx = arange(0, headDim, 2, { dtype: "float32", device: pos.device });
    const inv = idx.div(headDim).mul(Math.log(10000)).neg().exp();
    const freqs = pos.unsqueeze(1).mul(inv.unsqueeze(0));
    return { cos: freqs.cos(), sin: freqs.sin() };
  });
}

/** cos and sin tables [seq, headDim/2] for positions 0..seq-1. */
export function rotaryTables(seq: number, headDim: number, device = "cpu"): { cos: Tensor; sin: Tensor } {
  return tidy(() => rotaryTablesAt(arange(0, seq, 1, { dtype: "float32", device }), headDim));
}

/** Rotates x [..., seq, headDim]: pairs (i, i + headDim/2) turn by position-dependent angles. */
export function applyRotary(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const [x1, x2] = x.chunk(2, -1) as [Tensor, Tensor];
  return cat([x1.mul(cos).sub(x2.mul(sin)), x1.mul(sin).add(x2.mul(cos))], -1);
}
