/** Exact per-block NELBOs Σ_j NELBO(x^j | x^{<j}) by enumeration inside each block, for a Denoiser that reads extras.context. */
import type { Denoiser, States } from "../diffusion/denoiser.js";
import type { Schedule } from "../diffusion/schedule.js";
import { exactContinuousNelbo, exactDiscreteNelbo } from "./exact.js";

/** Block j of x as a Denoiser over the block's states alone: earlier blocks clean, later blocks masked, context = x. */
export function blockView(d: Denoiser, x: Int32Array, start: number, end: number): Denoiser {
  const L = x.length;
  const C = d.layout.classes;
  return {
    ...d,
    predict(states: States, t: Float64Array): Float64Array {
      const n = end - start;
      const R = states.batch;
      const full = new Int32Array(R * L).fill(d.layout.maskId);
      const context = new Int32Array(R * L);
      for (let r = 0; r < R; r++) {
        full.set(x.subarray(0, start), r * L);
        full.set(states.tokens.subarray(r * n, (r + 1) * n), r * L + start);
        context.set(x, r * L);
      }
      const logits = d.predict({ tokens: full, batch: R, length: L }, t, { context });
      const out = new Float64Array(R * n * C);
      for (let r = 0; r < R; r++) out.set(logits.subarray((r * L + start) * C, (r * L + end) * C), r * n * C);
      return out;
    },
  };
}

/** Σ over blocks of the exact continuous (over [tMin, 1]) or T-step NELBO of each block given the clean earlier ones. */
export function exactBlockNelbo(d: Denoiser, x: Int32Array, blockSize: number, schedule: Schedule, form: { kind: "continuous"; tMin: number } | { kind: "steps"; T: number }): number {
  let total = 0;
  for (let start = 0; start < x.length; start += blockSize) {
    const end = Math.min(x.length, start + blockSize);
    const view = blockView(d, x, start, end);
    const xb = x.subarray(start, end);
    total += form.kind === "continuous" ? exactContinuousNelbo(view, xb, schedule, { tMin: form.tMin }) : exactDiscreteNelbo(view, xb, schedule, form.T);
  }
  return total;
}
