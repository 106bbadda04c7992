/**
 * VMD, exact checks on an enumerable toy (V = 3, L = 2, a one-dimensional latent, a fixed table encoder and a table
 * denoiser whose logits are affine in z): the closed-form KL, the loss's reconstruction and KL terms against enumeration
 * (mask patterns exactly, z and t by quadrature), gradients by finite differences, and the fixed-latent T-step bound —
 * Monte Carlo against its exact value, and above −log of the exact probability the fixed-z sampler gives each sequence.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, noGrad, tensor, tidy, Rng, type Tensor } from "../src/engine/index.js";
import type { Denoiser } from "../src/diffusion/denoiser.js";
import { fixedLatentStepBound } from "../src/diffusion/latent-bounds.js";
import { gaussianKl } from "../src/diffusion/latent.js";
import { consistentSet, restrictedLogProbs } from "../src/diffusion/parameterization.js";
import { linear } from "../src/diffusion/schedules.js";
import { antithetic } from "../src/diffusion/time-sampling.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { gaussLegendre } from "../src/eval/exact.js";
import { klPerDimension, reparameterize } from "../src/methods/vmd/gaussian.js";
import { vmdLoss, type LatentNetwork } from "../src/methods/vmd/loss.js";
import { vmdSchema } from "../src/methods/vmd/config.js";
import { functionDenoiser } from "./helpers/table-denoiser.js";
import { gaussianExpectation } from "./helpers/gaussian-quadrature.js";
import { patternProb, patterns, samplerLaw, stepBoundExact, type ClassProblem } from "./helpers/class-enumeration.js";

const V = 3;
const MASK = V;
const L = 2;
const parameterization = consistentSet(tokenLayout(V));

/** Logits [L·V] of state z given latent u: a(z) + u·b(z), with a, b fixed pseudo-random functions of the state. */
function logitsOf(z: ArrayLike<number>, u: number): Float64Array {
  const h = Array.from(z).reduce((a, x, i) => a + (x + 1) * (i + 2) * 0.71, 0);
  return Float64Array.from({ length: L * V }, (_, k) => Math.sin(h + 1.3 * k) + u * Math.cos(2 * h + 0.9 * k));
}

/** The fixed encoder: mean and log-variance of q(z | x, M) as functions of the clean tokens and the mask bits. */
function encoderOf(x: ArrayLike<number>, M: number): [number, number] {
  const h = x[0]! * 3 + x[1]! + 0.37 * M;
  return [0.8 * Math.sin(h), -0.5 + 0.4 * Math.cos(1.7 * h)];
}

/** −log μ(z_M, u)_i[x_i] summed over masked i (SUBS: softmax of the real-class logits). */
function maskedCe(x: Int32Array, M: number, u: number): number {
  const z = x.map((v, i) => (M & (1 << i) ? MASK : v));
  const lg = logitsOf(z, u);
  let ce = 0;
  for (let i = 0; i < L; i++) {
    if (!(M & (1 << i))) continue;
    const row = lg.subarray(i * V, i * V + V);
    const top = Math.max(...row);
    ce -= row[x[i]!]! - top - Math.log(row.reduce((a, r) => a + Math.exp(r - top), 0));
  }
  return ce;
}

/** The table network: the fixed encoder and the affine-in-z logits as tensors (autograd through the latent). */
const table: LatentNetwork = {
  encoder: {
    forward(x: Tensor, masked: Tensor) {
      const xs = x.toInt32Array();
      const ms = masked.to("int32").toInt32Array();
      const B = x.shape[0]!;
      const q = Array.from({ length: B }, (_, b) => encoderOf(xs.subarray(b * L, b * L + L), ms[b * L]! | (ms[b * L + 1]! << 1)));
      return { mean: tensor(q.map((e) => e[0]), [B, 1]), logVar: tensor(q.map((e) => e[1]), [B, 1]) };
    },
  },
  forward(z: Tensor, _t: Tensor, latent: Tensor) {
    const zs = z.toInt32Array();
    const B = z.shape[0]!;
    const a = Float32Array.from({ length: B * L * V }, (_, k) => logitsOf(zs.subarray(Math.floor(k / (L * V)) * L, Math.floor(k / (L * V)) * L + L), 0)[k % (L * V)]!);
    const b = Float32Array.from({ length: B * L * V }, (_, k) => {
      const s = zs.subarray(Math.floor(k / (L * V)) * L, Math.floor(k / (L * V)) * L + L);
      return logitsOf(s, 1)[k % (L * V)]! - logitsOf(s, 0)[k % (L * V)]!;
    });
    return tensor(a, [B, L, V]).add(tensor(b, [B, L, V]).mul(latent.unsqueeze(-1)));
  },
};

test("closed-form Gaussian KL equals the quadrature of E_q[log q − log p]", () => {
  for (const [m, lv] of [[0, 0], [1.3, -2], [-0.4, 1.1], [2.5, -6]] as const) {
    const s2 = Math.exp(lv);
    const quad = gaussianExpectation(m, lv, (z) => -0.5 * (z - m) ** 2 / s2 - 0.5 * lv + 0.5 * z * z);
    const closed = gaussianKl(Float64Array.of(m), Float64Array.of(lv), 1)[0]!;
    assert.ok(Math.abs(closed - quad) < 1e-9, `KL(N(${m}, e^${lv})): ${closed} vs ${quad}`);
    const tens = tidy(() => klPerDimension(tensor([m], [1, 1], { dtype: "float64" }), tensor([lv], [1, 1], { dtype: "float64" })).item());
    assert.ok(Math.abs(tens - closed) < 1e-12);
  }
});

test("the loss's reconstruction and KL terms match their enumerated expectations (fixed encoder, within 3 s.e.)", () => {
  const xs = [Int32Array.from([0, 2]), Int32Array.from([1, 1]), Int32Array.from([2, 0])];
  const prob: ClassProblem = { V, L, w: [1, 1, 1], eps: 0, logits: () => new Float64Array(0) };
  const { nodes, weights } = gaussLegendre(24);
  const tMin = 1e-3;
  // E_t over [tMin, 1] (density 1/(1 − tMin)) of Σ_M q(M|x,t)·[w(t)·E_z CE, KL]; w = 1/t, q(M) from α = 1 − t
  let recon = 0;
  let kl = 0;
  for (let j = 0; j < 30; j++) {
    const lo = tMin * (1 / tMin) ** (j / 30);
    const hi = tMin * (1 / tMin) ** ((j + 1) / 30);
    nodes.forEach((xi, q) => {
      const t = lo + ((hi - lo) * (xi + 1)) / 2;
      const wq = ((hi - lo) / 2) * weights[q]! / (1 - tMin) / xs.length;
      for (const x of xs) {
        for (const { M } of patterns(x, V)) {
          const pm = patternProb(prob, x, M, t);
          const [m, lv] = encoderOf(x, M);
          if (M) recon += wq * pm * (1 / t) * gaussianExpectation(m, lv, (u) => maskedCe(x, M, u));
          kl += wq * pm * gaussianKl(Float64Array.of(m), Float64Array.of(lv), 1)[0]!;
        }
      }
    });
  }
  manualSeed(3);
  const rng = new Rng(4);
  const options = vmdSchema.parse({ name: "vmd", latentDim: 1 });
  const R = 400;
  const B = 48;
  const rec: number[] = [];
  const kls: number[] = [];
  for (let r = 0; r < R; r++) {
    tidy(() => {
      const x = tensor(Int32Array.from({ length: B * L }, (_, k) => xs[Math.floor(k / L) % 3]![k % L]!), [B, L], { dtype: "int64" });
      const out = vmdLoss(table, parameterization, MASK, options, { x, t: antithetic(B, rng, tMin), schedule: linear() });
      rec.push(out.terms.reconstruction! * L); // per sequence
      kls.push(out.terms.kl! * L);
      assert.ok(Math.abs(out.loss.item() - out.terms.reconstruction! - out.terms.kl!) < 1e-5, "β = 1, constant λ: loss = reconstruction + KL");
    });
  }
  for (const [name, xsamp, exact] of [["reconstruction", rec, recon], ["KL", kls, kl]] as const) {
    const mean = xsamp.reduce((a, b) => a + b, 0) / R;
    const se = Math.sqrt(xsamp.reduce((a, b) => a + (b - mean) ** 2, 0) / (R - 1) / R);
    assert.ok(Math.abs(mean - exact) < 3 * se, `${name}: MC ${mean} ± ${se} vs enumerated ${exact}`);
    assert.ok(se < 0.03 * exact, `${name}: the check has power (s.e. ${se})`);
  }
});

test("gradients of the reparameterised objective w.r.t. mean, log-variance and the z-coefficient match finite differences (float64)", () => {
  const z = tensor(Int32Array.from([MASK, 1, MASK, MASK]), [2, 2], { dtype: "int64" });
  const x = tensor(Int32Array.from([2, 1, 0, 1]), [2, 2], { dtype: "int64" });
  const noise = tensor([0.7, -1.2], [2, 1], { dtype: "float64" });
  const a = tensor(Float64Array.from({ length: 12 }, (_, k) => Math.sin(k)), [2, 2, 3], { dtype: "float64" });
  const f = (mean: Tensor, logVar: Tensor, b: Tensor): Tensor => {
    const u = reparameterize(mean, logVar, noise);
    const logp = restrictedLogProbs(parameterization, a.add(b.mul(u.unsqueeze(-1))), z);
    const ce = logp.gather(-1, x.unsqueeze(-1)).squeeze(-1).neg().mul(z.eq(MASK).to("float64")).sum();
    return ce.add(klPerDimension(mean, logVar).sum().mul(0.7));
  };
  const init = { mean: [0.3, -0.8], logVar: [-0.4, 0.6], b: Array.from({ length: 12 }, (_, k) => Math.cos(2 * k)) };
  const m = tensor(init.mean, [2, 1], { dtype: "float64" });
  const lv = tensor(init.logVar, [2, 1], { dtype: "float64" });
  const b = tensor(init.b, [2, 2, 3], { dtype: "float64" });
  for (const p of [m, lv, b]) p.requiresGrad = true;
  f(m, lv, b).backward();
  const value = (mm: number[], ll: number[], bb: number[]) => noGrad(() => tidy(() => f(tensor(mm, [2, 1], { dtype: "float64" }), tensor(ll, [2, 1], { dtype: "float64" }), tensor(bb, [2, 2, 3], { dtype: "float64" })).item()));
  const h = 1e-6;
  const bump = (arr: number[], k: number, d: number) => arr.map((v, i) => (i === k ? v + d : v));
  for (const [name, grad, which] of [["mean", m.grad!, 0], ["logVar", lv.grad!, 1], ["b", b.grad!, 2]] as const) {
    const g = grad.toFloat64Array();
    const arr = [init.mean, init.logVar, init.b][which]!;
    for (let k = 0; k < arr.length; k += which === 2 ? 5 : 1) {
      const args = (d: number) => [0, 1, 2].map((i) => (i === which ? bump(arr, k, d) : [init.mean, init.logVar, init.b][i]!)) as [number[], number[], number[]];
      const num = (value(...args(h)) - value(...args(-h))) / (2 * h);
      assert.ok(Math.abs(g[k]! - num) < 1e-7 + 1e-6 * Math.abs(num), `∂/∂${name}[${k}]: ${g[k]} vs ${num}`);
    }
  }
});

test("fixed-latent T-step bound: Monte Carlo = its exact value (3 s.e.), and ≥ −log p_T(x) of the sampler that draws z once", () => {
  const T = 3;
  const problemAt = (u: number): ClassProblem => ({ V, L, w: [1, 1, 1], eps: 0, logits: (z) => logitsOf(z, u) });
  const base = functionDenoiser(V, false, () => new Float64Array(0));
  const d: Denoiser = {
    ...base,
    predict: (s, _t, extras) => {
      const out = new Float64Array(s.batch * L * V);
      for (let r = 0; r < s.batch; r++) out.set(logitsOf(s.tokens.subarray(r * L, r * L + L), extras!.latent![r]!), r * L * V);
      return out;
    },
    latent: {
      dim: 1,
      posterior: (x) => {
        const q = Array.from({ length: x.batch }, (_, r) => encoderOf(x.tokens.subarray(r * L, r * L + L), 3));
        return { mean: Float64Array.from(q, (e) => e[0]), logVar: Float64Array.from(q, (e) => e[1]) };
      },
    },
  };
  for (const x of [Int32Array.from([0, 2]), Int32Array.from([1, 0])]) {
    const [m, lv] = encoderOf(x, 3);
    const exact = gaussianKl(Float64Array.of(m), Float64Array.of(lv), 1)[0]! + gaussianExpectation(m, lv, (u) => stepBoundExact(problemAt(u), x, T));
    const idx = x[0]! * V + x[1]!;
    const logp = Math.log(gaussianExpectation(0, 0, (u) => samplerLaw(problemAt(u), T)[idx]!));
    assert.ok(exact >= -logp, `x = [${x}]: bound ${exact} < −log p_T(x) = ${-logp}`);
    const n = 8000;
    const est = fixedLatentStepBound("b").estimate(d, { tokens: Int32Array.from({ length: n * L }, (_, k) => x[k % L]!), batch: n, length: L }, new Rng(8), { schedule: linear(), tMin: 1e-3, steps: T });
    const mean = est.reduce((a, b) => a + b, 0) / n;
    const se = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) / n);
    assert.ok(Math.abs(mean - exact) < 3 * se && se < 0.03 * exact, `x = [${x}]: MC ${mean} ± ${se} vs exact ${exact}`);
  }
});
