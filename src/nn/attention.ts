/** Multi-head self-attention with rotary positions, an optional attention mask and keys/values of earlier tokens. */
import { attention, cat, dropout, type Tensor } from "../engine/index.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { applyRotary } from "./rotary.js";

/** Keys (rotated) and values of one attention layer for P tokens, [B, heads, P, headDim] each. */
export interface LayerKv {
  k: Tensor;
  v: Tensor;
}

/** Self-attention: fused bias-free qkv projection, RoPE on q and k, bias-free output projection. */
export class SelfAttention extends Module {
  readonly qkv: Linear;
  readonly proj: Linear;

  constructor(readonly dim: number, readonly heads: number, readonly dropoutP = 0) {
    super();
    if (dim % heads !== 0) throw new Error(`SelfAttention: dim ${dim} is not divisible by heads ${heads}`);
    this.qkv = this.module("qkv", new Linear(dim, 3 * dim, { bias: false }));
    this.proj = this.module("proj", new Linear(dim, dim, { bias: false }));
  }

  /**
   * x: [B, S, D]; rope: tables for the S positions (rotaryTables(S, D/heads) by default); mask: boolean,
   * broadcastable to [B, heads, S, S], true where a query may attend to a key (null = bidirectional).
   */
  forward(x: Tensor, rope: { cos: Tensor; sin: Tensor }, mask: Tensor | null = null): Tensor {
    return this.forwardKv(x, rope, mask, null).out;
  }

  /**
   * As forward, with the keys and values of P earlier tokens (`past`) placed before the S new ones: the mask is
   * then [S, P + S]. Returns the output and the new tokens' own keys and values (to extend a cache with).
   */
  forwardKv(x: Tensor, rope: { cos: Tensor; sin: Tensor }, mask: Tensor | null, past: LayerKv | null): { out: Tensor } & LayerKv {
    const [B, S, D] = x.shape as [number, number, number];
    const qkv = this.qkv.forward(x).reshape(B, S, 3, this.heads, D / this.heads).permute(2, 0, 3, 1, 4);
    const [q, k, v] = qkv.chunk(3, 0).map((t) => t.squeeze(0)) as [Tensor, Tensor, Tensor];
    const kr = applyRotary(k, rope.cos, rope.sin);
    const keys = past ? cat([past.k, kr], 2) : kr;
    const values = past ? cat([past.v, v], 2) : v;
    const o = attention(applyRotary(q, rope.cos, rope.sin), keys, values, mask);
    return { out: dropout(this.proj.forward(o.transpose(1, 2).reshape(B, S, D)), this.dropoutP, this.training), k: kr, v };
  }
}
