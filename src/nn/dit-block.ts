/** The adaLN-zero DiT block: modulated attention and MLP with gated residuals. */
import { layerNorm, tidy, type Tensor } from "../engine/index.js";
import { SelfAttention, type LayerKv } from "./attention.js";
import { Linear } from "./linear.js";
import { Mlp } from "./mlp.js";
import { Module } from "./module.js";

/** A per-sequence modulation [B, K] as [B, 1, K]; a per-position one [B, S, K] as it is. */
export function perPosition(m: Tensor): Tensor {
  return m.shape.length === 2 ? m.unsqueeze(1) : m;
}

/** x + g1·attn(LN(x)(1+sc1)+sh1); x + g2·mlp(LN(x)(1+sc2)+sh2), with (sh, sc, g) from the conditioning. */
export class DiTBlock extends Module {
  readonly attn: SelfAttention;
  readonly mlp: Mlp;
  readonly ada: Linear;

  constructor(readonly dim: number, heads: number, condDim: number, dropoutP = 0) {
    super();
    this.attn = this.module("", new SelfAttention(dim, heads, dropoutP));
    this.mlp = this.module("", new Mlp(dim, 4, dropoutP));
    this.ada = this.module("ada", new Linear(condDim, 6 * dim, { zero: true }));
  }

  /** x: [B, S, D]; c: conditioning [B, condDim] (per sequence) or [B, S, condDim] (per position); mask as in SelfAttention. */
  forward(x: Tensor, c: Tensor, rope: { cos: Tensor; sin: Tensor }, mask: Tensor | null = null): Tensor {
    return tidy(() => this.forwardKv(x, c, rope, mask, null).x);
  }

  /** As forward, attending also to `past` keys and values (see SelfAttention.forwardKv); returns the new tokens' keys and values too. */
  forwardKv(x: Tensor, c: Tensor, rope: { cos: Tensor; sin: Tensor }, mask: Tensor | null, past: LayerKv | null): { x: Tensor } & LayerKv {
    // Nested tidy scopes free each sub-layer's temporaries as soon as it is done (autograd keeps
    // what backward needs), which keeps the working set as small as PyTorch's.
    return tidy(() => {
      const [sh1, sc1, g1, sh2, sc2, g2] = perPosition(this.ada.forward(c)).chunk(6, -1) as Tensor[];
      const d = [this.dim];
      const a = tidy(() => {
        const r = this.attn.forwardKv(layerNorm(x, d).mul(sc1!.add(1)).add(sh1!), rope, mask, past);
        return { y: x.add(g1!.mul(r.out)), k: r.k, v: r.v };
      });
      const out = tidy(() => a.y.add(g2!.mul(this.mlp.forward(layerNorm(a.y, d).mul(sc2!.add(1)).add(sh2!)))));
      return { x: out, k: a.k, v: a.v };
    });
  }
}
