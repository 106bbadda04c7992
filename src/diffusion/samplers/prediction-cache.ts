/** Logits per sequence with exact caching (a sequence is re-predicted only when its state changed), and their per-token summaries. */
import { keep, tensor, tidy, zeros, type Tensor } from "../../engine/index.js";
import { predictLogitsTensor, type Denoiser } from "../denoiser.js";
import { classAt, type StateLayout } from "../state-layout.js";
import { emptySummaries, muRows, setOneHot, summarizeRows, type SummaryOptions, type TokenSummaries } from "./token-summaries.js";

/** Logits rows per engine call when summarising: bounds the temporaries to a few 2^23-element tensors. */
const CHUNK_ELEMENTS = 1 << 23;

/** An int64 tensor of int32 values (converted on the engine: no BigInt round trip). */
function indexTensor(values: Int32Array, device: string): Tensor {
  return tensor(values, [values.length], { dtype: "int32", device }).to("int64");
}

/** The times of sequences `rows` [rows.length]: t for all, or t[b] per sequence. */
function rowTimes(t: number | Float64Array, rows: number[]): Float64Array {
  return typeof t === "number" ? new Float64Array(rows.length).fill(t) : Float64Array.from(rows, (b) => t[b]!);
}

/** Whether token i of a state has a masked position. */
function hasMask(tokens: Int32Array, i: number, layout: StateLayout): boolean {
  const ell = layout.positionsPerToken;
  for (let j = i * ell; j < (i + 1) * ell; j++) if (tokens[j] === layout.maskId) return true;
  return false;
}

/**
 * Holds the network's logits [B·n, C] of the batch as one tensor on the model's device (rows of re-predicted
 * sequences overwritten in place), and which sequences changed since their last prediction. A sequence without
 * a masked position needs no network call: its μ is one-hot everywhere.
 */
export class PredictionCache {
  /** Number of predict() calls made. */
  calls = 0;
  /** Number of sequences passed through predict() in all calls together. */
  rows = 0;
  /** Per sequence [B]: the calls it was passed through (they sum to rows). */
  readonly sequenceRows: number[];
  /** Whether unchanged rows are reused (caching enabled and the denoiser ignores time). */
  readonly exact: boolean;
  private readonly stale: Uint8Array;
  private readonly tokensPerSequence: number;
  private logits: Tensor | null = null;
  private latent: Float64Array | null = null;

  /** `length` counts state positions per sequence; caching is used only when `enabled` and the denoiser ignores time. */
  constructor(
    private readonly denoiser: Denoiser,
    private readonly batch: number,
    private readonly length: number,
    enabled: boolean,
  ) {
    this.stale = new Uint8Array(batch).fill(1);
    this.sequenceRows = new Array<number>(batch).fill(0);
    this.exact = enabled && !denoiser.timeConditioned;
    this.tokensPerSequence = length / denoiser.layout.positionsPerToken;
  }

  /** Conditions every later prediction on one latent per sequence [B·dim] (a new latent makes every row stale). */
  setLatent(latent: Float64Array): void {
    this.latent = latent;
    this.stale.fill(1);
  }

  /** Marks sequence b as changed since its last refresh. */
  invalidate(b: number): void {
    this.stale[b] = 1;
  }

  /** Makes the logits current at time t (one for all, or one per sequence [B]), calling predict() once on the rows that need the network. */
  refresh(tokens: Int32Array, t: number | Float64Array): void {
    const { batch, length: L } = this;
    const mask = this.denoiser.layout.maskId;
    const masked: number[] = [];
    for (let b = 0; b < batch; b++) {
      if (this.exact && !this.stale[b]) continue;
      this.stale[b] = 0;
      if (tokens.subarray(b * L, (b + 1) * L).includes(mask)) masked.push(b);
    }
    if (masked.length === 0) return;
    const sub = new Int32Array(masked.length * L);
    masked.forEach((b, r) => sub.set(tokens.subarray(b * L, (b + 1) * L), r * L));
    const n = this.tokensPerSequence;
    const C = this.denoiser.layout.classes;
    tidy(() => {
      const extras = this.latentRows(masked);
      const fresh = predictLogitsTensor(this.denoiser, { tokens: sub, batch: masked.length, length: L }, rowTimes(t, masked), extras).reshape(masked.length * n, C);
      if (masked.length === batch) {
        this.logits?.dispose();
        this.logits = keep(fresh.contiguous());
        return;
      }
      this.logits ??= keep(zeros([batch * n, C], { dtype: fresh.dtype, device: fresh.device }));
      const rows = Int32Array.from({ length: masked.length * n }, (_, j) => masked[Math.floor(j / n)]! * n + (j % n));
      this.logits.indexCopyInPlace(0, indexTensor(rows, fresh.device), fresh);
    });
    this.calls++;
    this.rows += masked.length;
    for (const b of masked) this.sequenceRows[b]!++;
  }

  /**
   * Per-token summaries [B·n] of μ for the current state (refresh first), at one uniform per token u [B·n]:
   * fully visible tokens get their own class with probability 1; the others are summarised on the engine,
   * one chunk of rows per call.
   */
  summaries(tokens: Int32Array, u: Float64Array, o: SummaryOptions): TokenSummaries {
    const layout = this.denoiser.layout;
    const out = emptySummaries(this.batch * this.tokensPerSequence, o.needs);
    const rows: number[] = [];
    for (let g = 0; g < this.batch * this.tokensPerSequence; g++) {
      if (hasMask(tokens, g, layout)) rows.push(g);
      else setOneHot(out, g, classAt(layout, tokens, g));
    }
    const perChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / layout.classes));
    for (let c = 0; c < rows.length; c += perChunk) {
      const at = rows.slice(c, c + perChunk);
      tidy(() => summarizeRows(this.rowLogits(tokens, at), Float64Array.from(at, (g) => u[g]!), o, out, at));
    }
    return out;
  }

  /** μ [C] (float64) of token g of the current state, for inspection: one engine call, C numbers. */
  probsOf(tokens: Int32Array, g: number, o: Pick<SummaryOptions, "topP" | "variant">): Float64Array {
    const layout = this.denoiser.layout;
    if (!hasMask(tokens, g, layout)) {
      const mu = new Float64Array(layout.classes);
      mu[classAt(layout, tokens, g)] = 1;
      return mu;
    }
    return tidy(() => muRows(this.rowLogits(tokens, [g]), o).toFloat64Array());
  }

  /** The latents of sequences `rows`, as predict() extras (none without a latent). */
  private latentRows(rows: number[]): { latent: Float64Array } | undefined {
    const z = this.latent;
    if (!z) return undefined;
    const dim = z.length / this.batch;
    const out = new Float64Array(rows.length * dim);
    rows.forEach((b, r) => out.set(z.subarray(b * dim, (b + 1) * dim), r * dim));
    return { latent: out };
  }

  /** Releases the cached logits. */
  dispose(): void {
    this.logits?.dispose();
    this.logits = null;
  }

  /**
   * Logits rows [r, C] of tokens `rows` (indices into [B·n]), restricted by the parameterization where a token
   * shows some of its positions (a token with all its positions masked allows every class).
   */
  private rowLogits(tokens: Int32Array, rows: number[]): Tensor {
    const logits = this.logits;
    if (!logits) throw new Error("prediction cache: a token is masked but nothing was predicted (refresh first)");
    const layout = this.denoiser.layout;
    const ell = layout.positionsPerToken;
    const x = logits.indexSelect(0, indexTensor(Int32Array.from(rows), logits.device));
    if (ell === 1) return x;
    const states = new Int32Array(rows.length * ell);
    rows.forEach((g, r) => states.set(tokens.subarray(g * ell, (g + 1) * ell), r * ell));
    const allowed = this.denoiser.parameterization.allowed(indexTensor(states, logits.device).reshape(rows.length, ell));
    return x.maskedFill(allowed.reshape(rows.length, layout.classes).logicalNot(), -Infinity);
  }
}
