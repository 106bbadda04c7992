/** The keys and values of one sequence's finished clean blocks, per layer, held as engine tensors that the caller owns. */
import { cat, full, keep, noGrad, tensor, tidy, zeros, type Tensor } from "../../engine/index.js";
import type { DiT } from "../../models/dit.js";
import { blockCausal } from "../../models/attention-masks.js";
import type { LayerKv } from "../../nn/index.js";

/** Positions start..start+n−1. */
export function positionRange(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

/** The zero latent of `rows` rows that clean tokens get from a latent-conditioned network (undefined without a latent input). */
export function cleanLatent(network: DiT, rows: number): Tensor | undefined {
  const K = network.config.latentDim ?? 0;
  return K > 0 ? zeros([rows, K]) : undefined;
}

/** The time input of n tokens in `rows` rows at per-row times t (per token for time-conditioned networks, else one per row). */
export function timeInput(network: DiT, rows: number, n: number, t: ArrayLike<number>): Tensor {
  if (!network.timeConditioned) return zeros([rows]);
  return tensor(Float32Array.from({ length: rows * n }, (_, k) => t[Math.floor(k / n)]!), [rows, n]);
}

/** A cache of the clean prefix at positions 0..length−1 (whole blocks); dispose() frees its tensors. */
export class KvCache {
  private layers: LayerKv[] | null = null;
  /** Number of tokens held. */
  length = 0;

  constructor(readonly network: DiT, readonly blockSize: number) {}

  /** The held keys and values per layer (null when empty). */
  get past(): LayerKv[] | null {
    return this.layers;
  }

  /**
   * Encodes clean tokens (whole blocks, the last possibly short) at positions length.., each attending to the held tokens
   * and block-causally to the new ones, as the clean half of the training pass does, and holds their keys and values.
   */
  append(tokens: Int32Array): void {
    if (this.length % this.blockSize !== 0) throw new Error(`KvCache: cannot append after a short block (${this.length} tokens held, blocks of ${this.blockSize})`);
    const n = tokens.length;
    if (n === 0) return;
    const P = this.length;
    const net = this.network;
    const wasTraining = net.training;
    net.eval();
    try {
      noGrad(() =>
        tidy(() => {
          const within = n <= this.blockSize ? null : blockCausal(this.blockSize)(n, "cpu")!;
          const mask = within === null || P === 0 ? within : cat([full([n, P], true, { dtype: "bool" }), within], 1);
          const z = tensor(tokens, [1, n], { dtype: "int64" });
          const { kv } = net.pass(z, timeInput(net, 1, n, [0]), { positions: positionRange(P, n), mask, past: this.layers }, cleanLatent(net, 1));
          const old = this.layers;
          this.layers = kv.map((l, i) => ({ k: keep(old ? cat([old[i]!.k, l.k], 2) : l.k.clone()), v: keep(old ? cat([old[i]!.v, l.v], 2) : l.v.clone()) }));
          old?.forEach((l) => [l.k, l.v].forEach((x) => x.dispose()));
        }),
      );
    } finally {
      net.train(wasTraining);
    }
    this.length += n;
  }

  /** Frees the held tensors and empties the cache. */
  clear(): void {
    this.layers?.forEach((l) => [l.k, l.v].forEach((x) => x.dispose()));
    this.layers = null;
    this.length = 0;
  }
}
