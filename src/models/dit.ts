/** The DiT denoiser, assembled from the four seams: (state, time, latent) -> logits over the real classes. */
import { keep, tensor, tidy, type Tensor } from "../engine/index.js";
import { DiTBlock, Module, rotaryTables, rotaryTablesAt, type LayerKv } from "../nn/index.js";
import { bidirectional } from "./attention-masks.js";
import { ModulatedHead } from "./output-head.js";
import type { AttentionMask, Conditioning, InputEncoder, OutputHead } from "./seams.js";
import { TimeConditioning } from "./time-conditioning.js";
import { TokenEncoder } from "./token-encoder.js";

/** Size and behaviour of a DiT. The input table (classes + mask) and the output classes are separate sizes. */
export interface DiTConfig {
  /** Output classes C per token (never a mask logit). */
  classes: number;
  /** Rows of the default input table: the values a state position takes, mask included (default classes + 1). */
  inputs?: number;
  d: number;
  layers: number;
  heads: number;
  cond: number;
  dropout?: number;
  /** When false the network ignores time (t = 0 is fed), which makes idle sampling steps cacheable. */
  timeConditioning?: boolean;
  /** Dimensions of a latent (per sequence, or per token) projected into the conditioning (default 0: none). */
  latentDim?: number;
}

/** Replacements for the plain seams (the defaults reproduce MDLM's DiT). */
export interface DiTSeams {
  encoder?: InputEncoder;
  conditioning?: Conditioning;
  attentionMask?: AttentionMask;
  head?: OutputHead;
}

/** How the n tokens of one pass see each other and earlier tokens (block diffusion's passes; see DiT.pass). */
export interface AttentionView {
  /** Rotary position of each of the n tokens. */
  positions: ArrayLike<number>;
  /** Boolean [n, P + n], true where a token may attend to a key (the P earlier tokens first), or null: every key. */
  mask: Tensor | null;
  /** Per layer, the keys and values of P earlier tokens (null: none). */
  past?: LayerKv[] | null;
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
    const { classes, d, layers, heads, cond } = config;
    this.encoder = this.module("emb", seams.encoder ?? new TokenEncoder(config.inputs ?? classes + 1, d));
    this.conditioning = this.module("", seams.conditioning ?? new TimeConditioning(cond, config.timeConditioning !== false, config.latentDim ?? 0));
    this.blocks = Array.from({ length: layers }, (_, i) => this.module(`blocks.${i}`, new DiTBlock(d, heads, cond, config.dropout ?? 0)));
    this.head = this.module("", seams.head ?? new ModulatedHead(d, cond, classes));
    this.attentionMask = seams.attentionMask ?? bidirectional;
    this.namedParameters(); // refuses two parameters with one name
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

  /**
   * z: int64 [B, S] noisy state; t: float [B] (or [B, n] per token) diffusion times; latent: [B, latentDim] (or [B, n, latentDim] per token)
   * -> logits [B, n, classes], n the encoder's output length (rotary tables and attention mask are sized from it).
   */
  forward(z: Tensor, t: Tensor, latent?: Tensor): Tensor {
    return tidy(() => {
      const x = this.encoder.forward(z);
      const tables = this.tables(x.shape[1]!, z.device);
      return this.run(x, t, latent, tables, tables.mask, null).logits;
    });
  }

  /**
   * One pass under an explicit view (rotary positions, mask, cached keys/values of earlier tokens), ignoring the
   * attentionMask seam: logits [B, n, classes] and, per layer, the n tokens' own keys and values.
   */
  pass(z: Tensor, t: Tensor, view: AttentionView, latent?: Tensor): { logits: Tensor; kv: LayerKv[] } {
    return tidy(() => {
      const x = this.encoder.forward(z);
      const n = x.shape[1]!;
      if (view.positions.length !== n) throw new Error(`DiT.pass: ${view.positions.length} positions for ${n} tokens`);
      const rope = rotaryTablesAt(tensor(Float32Array.from(view.positions), [n], { device: z.device }), this.config.d / this.config.heads);
      return this.run(x, t, latent, rope, view.mask, view.past ?? null);
    });
  }

  /** The blocks and the head on encoded tokens x [B, n, D]. */
  private run(x: Tensor, t: Tensor, latent: Tensor | undefined, rope: { cos: Tensor; sin: Tensor }, mask: Tensor | null, past: LayerKv[] | null): { logits: Tensor; kv: LayerKv[] } {
    const c = this.conditioning.forward(t, latent);
    const kv: LayerKv[] = [];
    this.blocks.forEach((b, i) => {
      const r = b.forwardKv(x, c, rope, mask, past?.[i] ?? null);
      x = r.x;
      kv.push({ k: r.k, v: r.v });
    });
    return { logits: this.head.forward(x, c), kv };
  }
}
