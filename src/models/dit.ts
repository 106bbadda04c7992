/** The DiT denoiser of MDLM-style masked diffusion: (tokens, time) -> logits over the real classes. */
import { type Tensor, zeros } from "../engine/index.js";
import { DiTBlock, Embedding, LayerNorm, Linear, Module, TimeEmbedding, rotaryTables } from "../nn/index.js";

/** Size and behaviour of a DiT. `vocab` counts the mask token; the head emits vocab − 1 logits. */
export interface DiTConfig {
  vocab: number;
  seq: number;
  d: number;
  layers: number;
  heads: number;
  cond: number;
  dropout?: number;
  /** When false the network ignores time (t = 0 is fed), which makes idle sampling steps cacheable. */
  timeConditioning?: boolean;
}

/** Token embedding -> adaLN-zero DiT blocks with RoPE -> modulated final LayerNorm -> linear head. */
export class DiT extends Module {
  readonly emb: Embedding;
  readonly time: TimeEmbedding;
  readonly blocks: DiTBlock[];
  readonly norm: LayerNorm;
  readonly ada: Linear;
  readonly out: Linear;
  private rope: { cos: Tensor; sin: Tensor } | null = null;

  constructor(readonly config: DiTConfig) {
    super();
    const { vocab, d, layers, heads, cond } = config;
    this.emb = this.module("emb", new Embedding(vocab, d));
    this.time = this.module("time", new TimeEmbedding(cond));
    this.blocks = Array.from({ length: layers }, (_, i) => this.module(`blocks.${i}`, new DiTBlock(d, heads, cond, config.dropout ?? 0)));
    this.norm = this.module("norm", new LayerNorm(d, false));
    this.ada = this.module("ada", new Linear(cond, 2 * d, { zero: true }));
    this.out = this.module("out", new Linear(d, vocab - 1));
  }

  private tables(seq: number, device: string): { cos: Tensor; sin: Tensor } {
    if (!this.rope || this.rope.cos.shape[0] !== seq || this.rope.cos.device !== device) {
      this.rope?.cos.dispose();
      this.rope?.sin.dispose();
      const r = rotaryTables(seq, this.config.d / this.config.heads, device);
      r.cos.kept = true;
      r.sin.kept = true;
      this.rope = r;
    }
    return this.rope;
  }

  /** z: int64 [B, S] tokens (mask = vocab − 1); t: float [B] times; mask: optional attention mask. */
  forward(z: Tensor, t: Tensor, mask: Tensor | null = null): Tensor {
    const [B, S] = z.shape as [number, number];
    const rope = this.tables(S, z.device);
    const tIn = this.config.timeConditioning === false ? zeros([B], { device: z.device }) : t;
    const c = this.time.forward(tIn).silu();
    let x = this.emb.forward(z);
    for (const b of this.blocks) x = b.forward(x, c, rope, mask);
    const [sh, sc] = this.ada.forward(c).unsqueeze(1).chunk(2, -1) as [Tensor, Tensor];
    return this.out.forward(this.norm.forward(x).mul(sc.add(1)).add(sh));
  }
}
