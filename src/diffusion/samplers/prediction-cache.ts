/** μ for a batch with exact per-sequence caching: a row is re-predicted only when its state changed. */
import type { Denoiser } from "../denoiser.js";
import { subsProbs } from "../subs.js";
import { topPInPlace, type TopPVariant } from "./top-p.js";

/**
 * Holds μ [B·L·V] (after SUBS and top-p) and which sequences changed since their last prediction.
 * A sequence without MASK needs no network call at all: under SUBS its μ is one-hot everywhere.
 */
export class PredictionCache {
  /** μ [B·L·V]; row b is valid for the state it was last refreshed at. */
  readonly probs: Float64Array;
  /** Number of predict() calls made. */
  calls = 0;
  /** Number of sequences passed through predict() in all calls together. */
  rows = 0;
  /** Whether unchanged rows are reused (caching enabled and the denoiser ignores time). */
  readonly exact: boolean;
  private readonly stale: Uint8Array;
  private readonly V: number;

  /** Caching is used only when `enabled` and the denoiser is not time-conditioned. */
  constructor(
    private readonly denoiser: Denoiser,
    private readonly batch: number,
    private readonly length: number,
    private readonly topP: number,
    private readonly variant: TopPVariant,
    enabled: boolean,
  ) {
    this.V = denoiser.vocabSize;
    this.probs = new Float64Array(batch * length * this.V);
    this.stale = new Uint8Array(batch).fill(1);
    this.exact = enabled && !denoiser.timeConditioned;
  }

  /** Marks sequence b as changed since its last refresh. */
  invalidate(b: number): void {
    this.stale[b] = 1;
  }

  /** Makes μ current at time t for every sequence, calling predict() once on the rows that need the network. */
  refresh(tokens: Int32Array, t: number): void {
    const { batch, length: L, V } = this;
    const rows: number[] = [];
    for (let b = 0; b < batch; b++) {
      if (this.exact && !this.stale[b]) continue;
      let masked = false;
      for (let n = b * L; n < (b + 1) * L && !masked; n++) masked = tokens[n] === V;
      if (masked) rows.push(b);
      else if (this.stale[b]) this.oneHot(tokens, b);
    }
    if (rows.length > 0) this.predictRows(tokens, t, rows);
  }

  /** μ of a sequence without MASK: one-hot on its tokens (SUBS carry-over), no network call. */
  private oneHot(tokens: Int32Array, b: number): void {
    const { length: L, V } = this;
    this.probs.fill(0, b * L * V, (b + 1) * L * V);
    for (let n = b * L; n < (b + 1) * L; n++) this.probs[n * V + tokens[n]!] = 1;
    this.stale[b] = 0;
  }

  /** One predict() call on the given sequences; writes their μ. */
  private predictRows(tokens: Int32Array, t: number, rows: number[]): void {
    const { length: L, V } = this;
    const sub = new Int32Array(rows.length * L);
    rows.forEach((b, r) => sub.set(tokens.subarray(b * L, (b + 1) * L), r * L));
    const states = { tokens: sub, batch: rows.length, length: L };
    const logits = this.denoiser.predict(states, new Float64Array(rows.length).fill(t));
    if (logits.length !== sub.length * V) {
      throw new Error(`denoiser returned ${logits.length} logits, expected ${rows.length}·${L}·${V} = ${sub.length * V}`);
    }
    const mu = topPInPlace(subsProbs(logits, states, V), V, this.topP, this.variant);
    rows.forEach((b, r) => {
      this.probs.set(mu.subarray(r * L * V, (r + 1) * L * V), b * L * V);
      this.stale[b] = 0;
    });
    this.calls++;
    this.rows += rows.length;
  }
}
