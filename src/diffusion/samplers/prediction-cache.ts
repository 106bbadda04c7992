/** μ for a batch with exact per-sequence caching: a row is re-predicted only when its state changed. */
import { predictLogProbs, type Denoiser, type States } from "../denoiser.js";
import { logProbsFloat64 } from "../parameterization.js";
import { topPInPlace, type TopPVariant } from "./top-p.js";

/**
 * Holds μ [B·n·C] (after the parameterization and top-p) and which sequences changed since their last
 * prediction. A sequence without a masked position needs no network call: its μ is one-hot everywhere.
 */
export class PredictionCache {
  /** μ [B·n·C]; row b is valid for the state it was last refreshed at. */
  readonly probs: Float64Array;
  /** Number of predict() calls made. */
  calls = 0;
  /** Number of sequences passed through predict() in all calls together. */
  rows = 0;
  /** Whether unchanged rows are reused (caching enabled and the denoiser ignores time). */
  readonly exact: boolean;
  private readonly stale: Uint8Array;
  private readonly rowSize: number;

  /** `length` counts state positions per sequence; caching is used only when `enabled` and the denoiser ignores time. */
  constructor(
    private readonly denoiser: Denoiser,
    private readonly batch: number,
    private readonly length: number,
    private readonly topP: number,
    private readonly variant: TopPVariant,
    enabled: boolean,
  ) {
    const { classes, positionsPerToken } = denoiser.layout;
    this.rowSize = (length / positionsPerToken) * classes;
    this.probs = new Float64Array(batch * this.rowSize);
    this.stale = new Uint8Array(batch).fill(1);
    this.exact = enabled && !denoiser.timeConditioned;
  }

  /** Marks sequence b as changed since its last refresh. */
  invalidate(b: number): void {
    this.stale[b] = 1;
  }

  /** Makes μ current at time t for every sequence, calling predict() once on the rows that need the network. */
  refresh(tokens: Int32Array, t: number): void {
    const { batch, length: L } = this;
    const mask = this.denoiser.layout.maskId;
    const masked: number[] = [];
    const full: number[] = [];
    for (let b = 0; b < batch; b++) {
      if (this.exact && !this.stale[b]) continue;
      if (tokens.subarray(b * L, (b + 1) * L).includes(mask)) masked.push(b);
      else if (this.stale[b]) full.push(b);
    }
    if (masked.length > 0) this.update(tokens, t, masked, true);
    if (full.length > 0) this.update(tokens, t, full, false);
  }

  /** Writes μ of the given sequences: from one predict() call, or (fully revealed rows) from the parameterization alone. */
  private update(tokens: Int32Array, t: number, rows: number[], network: boolean): void {
    const { length: L, rowSize } = this;
    const { classes: C } = this.denoiser.layout;
    const sub = new Int32Array(rows.length * L);
    rows.forEach((b, r) => sub.set(tokens.subarray(b * L, (b + 1) * L), r * L));
    const states: States = { tokens: sub, batch: rows.length, length: L };
    const logp = network
      ? predictLogProbs(this.denoiser, states, new Float64Array(rows.length).fill(t))
      : logProbsFloat64(this.denoiser.parameterization, new Float64Array(rows.length * rowSize), sub, rows.length, L, C);
    for (let i = 0; i < logp.length; i++) logp[i] = Math.exp(logp[i]!);
    const mu = topPInPlace(logp, C, this.topP, this.variant);
    rows.forEach((b, r) => {
      this.probs.set(mu.subarray(r * rowSize, (r + 1) * rowSize), b * rowSize);
      this.stale[b] = 0;
    });
    if (network) {
      this.calls++;
      this.rows += rows.length;
    }
  }
}
