/**
 * Coupled-token tasks with an exact law (VMD's synthetic data, ALGORITHMS.md §5.6; the p-family is ours): records of 2 or 4
 * tokens over 10 symbols whose tokens are dependent, so a sampler that reveals them in one step independently fails.
 */
import { Rng } from "../engine/rng.js";
import { splitSizes, type TokenDataset } from "./dataset.js";

/** Symbols of every coupled task. */
export const COUPLED_SYMBOLS = 10;

/** The task names and the record length of each. */
export const COUPLED_TASKS = { pairs: 2, "pairs-weighted": 2, "pairs-mixed": 2, quads: 4, "quads-two-pairs": 4 } as const;

/** A coupled task's name. */
export type CoupledTask = keyof typeof COUPLED_TASKS;

/** Index of a record (digits, most significant first). */
const indexOf = (digits: number[]): number => digits.reduce((a, d) => a * COUPLED_SYMBOLS + d, 0);

/**
 * The exact law over the 10^D records: pairs — (k, k+1 mod 10) uniform (D1); pairs-weighted — P = (k+1)/55 (D2);
 * pairs-mixed — p·D1 + (1 − p)·uniform over all 100 pairs (ours); quads — (k, k+1, k+2, k+3) uniform; quads-two-pairs —
 * (k, k+1, l, l+1) uniform over k, l.
 */
export function coupledLaw(task: CoupledTask, p = 1): Float64Array {
  if (!(p >= 0 && p <= 1)) throw new Error(`coupling p must be in [0, 1], got ${p}`);
  const n = COUPLED_SYMBOLS;
  const law = new Float64Array(n ** COUPLED_TASKS[task]);
  const next = (k: number, j: number): number => (k + j) % n;
  for (let k = 0; k < n; k++) {
    if (task === "pairs") law[indexOf([k, next(k, 1)])] = 1 / n;
    if (task === "pairs-weighted") law[indexOf([k, next(k, 1)])] = (k + 1) / 55;
    if (task === "pairs-mixed") law[indexOf([k, next(k, 1)])] += p / n;
    if (task === "quads") law[indexOf([k, next(k, 1), next(k, 2), next(k, 3)])] = 1 / n;
    if (task === "quads-two-pairs") for (let l = 0; l < n; l++) law[indexOf([k, next(k, 1), l, next(l, 1)])] = 1 / n ** 2;
  }
  if (task === "pairs-mixed") law.forEach((q, i) => (law[i] = q + (1 - p) / n ** 2));
  return law;
}

/** Options of coupledDataset. */
export interface CoupledDatasetOptions {
  /** Seed of the records (default 0). */
  seed?: number;
  /** Records in all (default 100,000), split 90/5/5. */
  size?: number;
  /** p of pairs-mixed (default 1). */
  coupling?: number;
}

/** Records drawn i.i.d. from the task's law, one stream per split; the law comes along for exact metrics. */
export function coupledDataset(task: CoupledTask, opts: CoupledDatasetOptions = {}): TokenDataset & { law: Float64Array } {
  const D = COUPLED_TASKS[task];
  const size = opts.size ?? 100_000;
  const seed = opts.seed ?? 0;
  if (!Number.isSafeInteger(size) || size < 20) throw new Error(`coupled data: size must be an integer ≥ 20 records, got ${size}`);
  const law = coupledLaw(task, opts.coupling ?? 1);
  const cdf = law.map((_, i) => law.subarray(0, i + 1).reduce((a, b) => a + b, 0));
  const rng = new Rng(seed);
  const draw = (records: number): Uint8Array => {
    const out = new Uint8Array(records * D);
    for (let r = 0; r < records; r++) {
      const u = rng.next() * cdf[cdf.length - 1]!;
      let idx = cdf.findIndex((c) => c > u);
      if (idx < 0) idx = law.length - 1;
      for (let j = D - 1; j >= 0; j--, idx = Math.floor(idx / COUPLED_SYMBOLS)) out[r * D + j] = idx % COUPLED_SYMBOLS;
    }
    return out;
  };
  const valid = Math.max(1, Math.round(size * 0.05));
  const splits = { train: draw(size - 2 * valid), valid: draw(valid), test: draw(valid) };
  const entropy = -law.reduce((a, q) => a + (q > 0 ? q * Math.log(q) : 0), 0);
  return {
    name: task,
    vocabSize: COUPLED_SYMBOLS,
    recordLength: D,
    decode: (ids) => Array.from(ids, (v, i) => {
      if (v === COUPLED_SYMBOLS) return "_";
      if (!Number.isInteger(v) || v < 0 || v > COUPLED_SYMBOLS) throw new Error(`decode: id ${v} at index ${i} is outside 0..${COUPLED_SYMBOLS}`);
      return String(v);
    }).join(""),
    splits,
    law,
    meta: { source: `${task}(seed=${seed}, size=${size}${task === "pairs-mixed" ? `, p=${opts.coupling ?? 1}` : ""})`, sizes: splitSizes(splits), entropyNats: entropy, recordLength: D },
  };
}
