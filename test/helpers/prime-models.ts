/** Random joints and deliberately imperfect Prime models for exact-enumeration tests. */
import type { DigitCodec } from "../../src/methods/prime/digits.js";
import type { PrimeModel } from "../../src/eval/prime-exact.js";
import { Rng } from "../../src/engine/rng.js";
import type { JointDistribution } from "./table-denoiser.js";

/** A random joint over C^L sequences: p ∝ exp(scale·g), g standard normal (Box–Muller); larger scale is peakier. */
export function randomJoint(C: number, L: number, seed: number, scale = 1): JointDistribution {
  const rng = new Rng(seed);
  const g = (): number => Math.sqrt(-2 * Math.log1p(-rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const probs = Float64Array.from({ length: C ** L }, () => Math.exp(scale * g()));
  const z = probs.reduce((a, b) => a + b, 0);
  return { V: C, L, probs: probs.map((p) => p / z) };
}

/** Shannon entropy (nats) of a probability vector. */
export function entropyOf(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) h -= p[i]! * Math.log(p[i]!);
  return h;
}

/** Index of a digit state in base b + 1. */
export const digitStateIndex = (y: Int32Array, base: number): number => y.reduce((acc, d) => acc * (base + 1) + d, 0);

/** Fixed random logits [L·C] per digit state (same seed, same table), for building matching MD4 and Prime models. */
export function randomLogitTable(codec: DigitCodec, L: number, seed: number): (y: Int32Array) => Float64Array {
  const rng = new Rng(seed);
  const table = Array.from({ length: (codec.base + 1) ** (L * codec.ell) }, () => Float64Array.from({ length: L * codec.classes }, () => 4 * (rng.next() - 0.5)));
  return (y) => table[digitStateIndex(y, codec.base)]!;
}

/** The carry-over restricted softmax of §3.6 applied to a logit function: zero outside each token's consistent set. */
export function restrictedModel(codec: DigitCodec, logits: (y: Int32Array) => Float64Array): PrimeModel {
  const { classes: C, ell } = codec;
  return (y) => {
    const lg = logits(y);
    const out = new Float64Array(lg.length);
    for (let i = 0; i < lg.length / C; i++) {
      const allowed = codec.consistentClasses(y.subarray(i * ell, (i + 1) * ell));
      let z = 0;
      for (const c of allowed) z += Math.exp(lg[i * C + c]!);
      for (const c of allowed) out[i * C + c] = Math.exp(lg[i * C + c]!) / z;
    }
    return out;
  };
}
