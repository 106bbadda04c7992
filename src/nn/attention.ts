/** Multi-head self-attention with rotary positions and an optional attention mask. */
import { attention, dropout, type Tensor } from "../engine/index.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { applyRotary } from "./rotary.js";

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
   * x: [B, S, D]; rope: tables from rotaryTables(S, D/heads); mask: boolean, broadcastable to
   * [B, heads, S, S], true where a query may attend to a key (null = bidirectional).
   */
  forward(x: Tensor, rope: { cos: Tensor; sin: Tensor }, mask: Tensor | null = null): Tensor {
    const [B, S, D] = x.shape as [number, number, number];
    const qkv = this.qkv.forward(x).reshape(B, S, 3, this.heads, D / this.heads).permute(2, 0, 3, 1, 4);
    const [q, k, v] = qkv.chunk(3, 0).map((t) => t.squeeze(0)) as [Tensor, Tensor, Tensor];
    const o = attention(applyRotary(q, rope.cos, rope.sin), applyRotary(k, rope.cos, rope.sin), v, mask);
    return dropout(this.proj.forward(o.transpose(1, 2).reshape(B, S, D)), this.dropoutP, this.training);
  }
}
