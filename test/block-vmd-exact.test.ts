/**
 * Block-wise VMD, exact checks on an enumerable toy (V = 2, two blocks of 2 tokens, a one-dimensional latent per block,
 * a fixed table encoder q(z_b | x0_{≤b}, mask of block b) and a table pair pass whose block-b logits are affine in z_b):
 * the loss's per-block reconstruction and KL terms against enumeration (mask patterns exactly, z_b by quadrature, one
 * fixed time per block), and the gradients of the loss by finite differences.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, noGrad, tensor, tidy, type Tensor } from "../src/engine/index.js";
import { gaussianKl } from "../src/diffusion/latent.js";
import { consistentSet } from "../src/diffusion/parameterization.js";
import { linear } from "../src/diffusion/schedules.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { blockVmdLoss, type BlockVmdLossSetup } from "../src/methods/block-vmd/loss.js";
import { gaussianExpectation } from "./helpers/gaussian-quadrature.js";

const V = 2;
const MASK = V;
const L = 4;
const Lb = 2;
const schedule = linear();

/** Block b's logits [Lb·V] from its noisy tokens, the clean earlier blocks and its latent u: a + u·c, fixed pseudo-random a, c. */
function blockLogits(zb: ArrayLike<number>, prefix: ArrayLike<number>, b: number, u: number): Float64Array {
  const h = Array.from(zb).reduce((a, v, i) => a + (v + 1) * (i + 2) * 0.71, 0) + Array.from(prefix).reduce((a, v, i) => a + (v + 1) * (i + 3) * 0.53, 0) + 1.7 * b;
  return Float64Array.from({ length: Lb * V }, (_, k) => Math.sin(h + 1.3 * k) + u * Math.cos(2 * h + 0.9 * k));
}

/** The fixed encoder of block b: mean and log-variance from the clean tokens of blocks ≤ b and block b's mask bits M. */
function encoderOf(seen: ArrayLike<number>, M: number, b: number): [number, number] {
  const h = Array.from(seen).reduce((a, v, i) => a + v * (i + 1) * 0.9, 0) + 0.37 * M + 0.6 * b;
  return [0.8 * Math.sin(h), -0.5 + 0.4 * Math.cos(1.7 * h)];
}

/** The table model as the loss sees it; offsets (mean, log-variance per block) and the latent's scale are tensors for gradients. */
function tableSetup(params: { meanOffset: Tensor; logVarOffset: Tensor; scale: Tensor }, options: BlockVmdLossSetup["options"]): BlockVmdLossSetup {
  return {
    parameterization: consistentSet(tokenLayout(V)),
    maskId: MASK,
    options,
    pass: {
      blockSize: Lb,
      logits(z: Tensor, x: Tensor, _t: Tensor, latent?: Tensor) {
        const [B] = z.shape as [number];
        const zs = z.toInt32Array();
        const xs = x.toInt32Array();
        const a = new Float64Array(B * L * V);
        const c = new Float64Array(B * L * V);
        for (let r = 0; r < B; r++)
          for (let b = 0; b < L / Lb; b++) {
            const zb = zs.subarray(r * L + b * Lb, r * L + (b + 1) * Lb);
            const prefix = xs.subarray(r * L, r * L + b * Lb);
            const a0 = blockLogits(zb, prefix, b, 0);
            const a1 = blockLogits(zb, prefix, b, 1);
            a0.forEach((v, k) => {
              a[(r * L + b * Lb) * V + k] = v;
              c[(r * L + b * Lb) * V + k] = a1[k]! - v;
            });
          }
        return tensor(a, [B, L, V], { dtype: "float64" }).add(tensor(c, [B, L, V], { dtype: "float64" }).mul(latent!.mul(params.scale)));
      },
    },
    encoder: {
      forward(x: Tensor, masked: Tensor) {
        const [B] = x.shape as [number];
        const xs = x.toInt32Array();
        const ms = masked.to("int32").toInt32Array();
        const q = new Float64Array(B * 2 * 2);
        for (let r = 0; r < B; r++)
          for (let b = 0; b < 2; b++) {
            const M = ms[r * L + b * Lb]! | (ms[r * L + b * Lb + 1]! << 1);
            const [m, lv] = encoderOf(xs.subarray(r * L, r * L + (b + 1) * Lb), M, b);
            q[(r * 2 + b) * 2] = m;
            q[(r * 2 + b) * 2 + 1] = lv;
          }
        const both = tensor(q, [B, 2, 2], { dtype: "float64" });
        return { mean: both.slice(2, 0, 1).add(params.meanOffset), logVar: both.slice(2, 1, 2).add(params.logVarOffset) };
      },
    },
  };
}

const zeroParams = () => ({ meanOffset: tensor([0, 0], [2, 1], { dtype: "float64" }), logVarOffset: tensor([0, 0], [2, 1], { dtype: "float64" }), scale: tensor([1], [1], { dtype: "float64" }) });

/** −log softmax(logits)_i[x_i] summed over the masked tokens of a block. */
function blockCe(xb: ArrayLike<number>, M: number, logits: Float64Array): number {
  let ce = 0;
  for (let i = 0; i < Lb; i++) {
    if (!(M & (1 << i))) continue;
    const row = logits.subarray(i * V, (i + 1) * V);
    const top = Math.max(...row);
    ce -= row[xb[i]!]! - top - Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0));
  }
  return ce;
}

/** Enumerated E[terms] at block times t: (1/L)·Σ_b Σ_{M_b} P(M_b)·[w(t_b)·E_{z_b ~ q} CE_b, KL_b, λ_b·KL_b]. */
function enumerated(x: Int32Array, t: [number, number], lambda: (tb: number) => number): { reconstruction: number; kl: number; loss: number } {
  let reconstruction = 0;
  let kl = 0;
  let penalty = 0;
  for (let b = 0; b < 2; b++) {
    const p = 1 - schedule.alpha(t[b]!);
    for (let M = 0; M < 4; M++) {
      const pm = (M & 1 ? p : 1 - p) * (M & 2 ? p : 1 - p);
      const xb = x.subarray(b * Lb, (b + 1) * Lb);
      const zb = xb.map((v, i) => (M & (1 << i) ? MASK : v));
      const [m, lv] = encoderOf(x.subarray(0, (b + 1) * Lb), M, b);
      const ce = gaussianExpectation(m, lv, (u) => blockCe(xb, M, blockLogits(zb, x.subarray(0, b * Lb), b, u)));
      const k = gaussianKl(Float64Array.of(m), Float64Array.of(lv), 1)[0]!;
      reconstruction += pm * schedule.weight(t[b]!) * ce;
      kl += pm * k;
      penalty += pm * lambda(t[b]!) * k;
    }
  }
  return { reconstruction: reconstruction / L, kl: kl / L, loss: (reconstruction + penalty) / L };
}

for (const klWeight of ["constant", "time"] as const) {
  test(`the loss's per-block reconstruction and KL terms match enumeration (fixed encoder, λ ${klWeight}, within 4 s.e.)`, () => {
    const options = { beta: 0.6, klWeight, klWarmup: 0 };
    const setup = tableSetup(zeroParams(), options);
    const lambda = (tb: number) => 0.6 * (klWeight === "time" ? schedule.weight(tb) : 1);
    for (const [x, t] of [[Int32Array.of(0, 1, 1, 0), [0.35, 0.8]], [Int32Array.of(1, 1, 0, 1), [0.9, 0.2]]] as const) {
      const exact = enumerated(x, t as [number, number], lambda);
      const N = 2000;
      const runs = Array.from({ length: 12 }, (_, r) =>
        tidy(() => {
          manualSeed(100 + r);
          const xs = tensor(Int32Array.from({ length: N * L }, (_, k) => x[k % L]!), [N, L], { dtype: "int64" });
          const out = blockVmdLoss(setup, { x: xs, t: Float64Array.from({ length: 2 * N }, (_, k) => t[k % 2]!), schedule });
          return { reconstruction: out.terms.reconstruction!, kl: out.terms.kl!, loss: out.loss.item() };
        }),
      );
      for (const key of ["reconstruction", "kl", "loss"] as const) {
        const vals = runs.map((r) => r[key]);
        const mean = vals.reduce((a, v) => a + v, 0) / vals.length;
        const se = Math.sqrt(vals.reduce((a, v) => a + (v - mean) ** 2, 0) / (vals.length - 1) / vals.length);
        assert.ok(Math.abs(mean - exact[key]) < 4 * se + 1e-6 && se < 0.02 * exact[key], `x = [${x}], ${key}: ${mean} ± ${se} vs enumerated ${exact[key]}`);
      }
    }
  });
}

test("gradients of the loss w.r.t. the encoder's per-block mean and log-variance offsets and the latent's scale match finite differences", () => {
  const options = { beta: 0.8, klWeight: "time" as const, klWarmup: 0 };
  const x = tensor(Int32Array.of(0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0), [3, L], { dtype: "int64" });
  const t = Float64Array.of(0.4, 0.7, 0.9, 0.3, 0.6, 0.5);
  const init = { meanOffset: [0.3, -0.5], logVarOffset: [-0.2, 0.4], scale: [1.3] };
  const value = (p: typeof init, grad = false) =>
    tidy(() => {
      const params = {
        meanOffset: tensor(p.meanOffset, [2, 1], { dtype: "float64" }),
        logVarOffset: tensor(p.logVarOffset, [2, 1], { dtype: "float64" }),
        scale: tensor(p.scale, [1], { dtype: "float64" }),
      };
      if (grad) for (const v of Object.values(params)) v.requiresGrad = true;
      manualSeed(7); // the same masks and Gaussian noise at every evaluation
      const loss = blockVmdLoss(tableSetup(params, options), { x, t, schedule }).loss;
      if (!grad) return { value: loss.item(), grads: null };
      loss.backward();
      return { value: loss.item(), grads: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.from(v.grad!.toFloat64Array())])) as Record<keyof typeof init, number[]> };
    });
  const { grads } = value(init, true);
  const h = 1e-3;
  let largest = 0;
  for (const key of Object.keys(init) as (keyof typeof init)[]) {
    init[key].forEach((_, k) => {
      const bumped = (d: number) => ({ ...init, [key]: init[key].map((v, i) => (i === k ? v + d : v)) });
      const num = noGrad(() => (value(bumped(h)).value - value(bumped(-h)).value) / (2 * h));
      largest = Math.max(largest, Math.abs(num));
      assert.ok(Math.abs(grads![key][k]! - num) < 2e-3 * Math.abs(num) + 2e-4, `∂/∂${key}[${k}]: autograd ${grads![key][k]} vs finite difference ${num}`);
    });
  }
  assert.ok(largest > 0.05, "the gradients are not all zero");
});
