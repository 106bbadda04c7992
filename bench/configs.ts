/** The benchmark configurations, identical to CONFIGS in bench/torch_peer.py (test/equivalence.test.ts checks it). */
import type { DiTConfig } from "../src/models/dit.js";

/** A DiT size as the PyTorch peer writes it: vocab counts the mask token, seq is the sequence length. */
export interface PeerConfig {
  vocab: number;
  seq: number;
  d: number;
  layers: number;
  heads: number;
  cond: number;
  dropout?: number;
  timeConditioning?: boolean;
}

/** A DiT size plus the batch size the benchmark trains with. */
export type BenchConfig = PeerConfig & { batch: number };

/** Our DiTConfig of a peer config (vocab − 1 output classes, vocab input rows). */
export function ditConfig(c: PeerConfig): DiTConfig {
  return { classes: c.vocab - 1, d: c.d, layers: c.layers, heads: c.heads, cond: c.cond, dropout: c.dropout, timeConditioning: c.timeConditioning };
}

/** name -> configuration (vocab counts the mask token). `quickstart` mirrors configs/quickstart.json (ours only). */
export const benchConfigs: Record<string, BenchConfig> = {
  tiny: { vocab: 28, seq: 128, d: 128, layers: 2, heads: 4, cond: 64, batch: 16 },
  small: { vocab: 28, seq: 256, d: 256, layers: 4, heads: 4, cond: 128, batch: 16 },
  base: { vocab: 28, seq: 256, d: 384, layers: 6, heads: 6, cond: 128, batch: 16 },
  quickstart: { vocab: 28, seq: 64, d: 128, layers: 3, heads: 4, cond: 64, batch: 32, timeConditioning: false },
};
