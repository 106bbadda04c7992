/** The DiT denoiser, assembled from the four seams: (tokens, time) -> logits over the real classes. */
import { keep, tidy, type Tensor } from "../engine/index.js";
import { DiTBlock, Module, rotaryTables } from "../nn/index.js";
import { bidirectional } from "./attention-masks.js";
import { ModulatedHead } from "./output-head.js";
import type { AttentionMask, Conditioning, InputEncoder, OutputHead } from "./seams.js";
import { TimeConditioning } from "./time-conditioning.js";
import { TokenEncoder } from "./token-encoder.js";

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

/** Replacements for the plain seams (the defaults reproduce MDLM's DiT). */
export interface DiTSeams {
  encoder?: InputEncoder;
  conditioning?: Conditioning;
  attentionMask?: AttentionMask;
  head?: OutputHead;
}

/** Encoder -> adaLN-zero DiT blocks with RoPE under the attention mask -> head. */
export class DiT extends Module {
  readonly encoder: InputEncoder;
  readonly conditioning: Conditioning;
  readonly blocks: DiTBlock[];
  readonly head: OutputHead;
  readonly attentionMask: AttentionMask;
  private cache: { seq: number; device: string; cos: Tensor; sin: Tensor; mask: Tensor | null } | null = null;

  constructor(readonly config: DiTConfig, seams: DiTSeams = {}) {
    super();
    const { vocab, d, layers, heads, cond } = config;
    this.encoder = this.module("emb", seams.encoder ?? new TokenEncoder(vocab, d));
    this.conditioning = this.module("", seams.conditioning ?? new TimeConditioning(cond, config.timeConditioning !== false));
    this.blocks = Array.from({ length: layers }, (_, i) => this.module(`blocks.${i}`, new DiTBlock(d, heads, cond, config.dropout ?? 0)));
    this.head = this.module("", seams.head ?? new ModulatedHead(d, cond, vocab - 1));
    this.attentionMask = seams.attentionMask ?? bidirectional;
  }

  /** Whether the output depends on the time input. */
  get timeConditioned(): boolean {
    return this.conditioning.timeConditioned;
  }

  private tables(seq: number, device: string) {
    const c = this.cache;
    if (c && c.seq === seq && c.device === device) return c;
    if (c) [c.cos, c.sin, c.mask].forEach((t) => t?.dispose());
    const r = rotaryTables(seq, this.config.d / this.config.heads, device);
    const mask = this.attentionMask(seq, device);
    this.cache = { seq, device, cos: keep(r.cos), sin: keep(r.sin), mask: mask && keep(mask) };
    return this.cache;
  }

  /** z: int64 [B, S] tokens (mask = vocab − 1); t: float [B] diffusion times -> logits [B, S, vocab − 1]. */
  forward(z: Tensor, t: Tensor): Tensor {
    const tables = this.tables(z.shape[1]!, z.device);
    return tidy(() => {
      const c = this.conditioning.forward(t);
      let x = this.encoder.forward(z);
      for (const b of this.blocks) x = b.forward(x, c, tables, tables.mask);
      return this.head.forward(x, c);
    });
  }
}
