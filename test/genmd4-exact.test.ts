/**
 * GenMD4, exact checks on enumerable problems (L ≤ 3, V = 3, a table denoiser): the schedule's stable forms, the
 * §2.3 integrand against the enumerated KL rate, MD4 as the all-w-equal case, non-negative terms, the bounds against
 * enumeration (and against the exact law of the sampler), the RLOO gradient's mean against a finite difference of the
 * exact NELBO, and pathwise gradients by finite differences. The references live in test/helpers/class-enumeration.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, noGrad, tensor, tidy, Rng, type Tensor } from "../src/engine/index.js";
import { antithetic } from "../src/diffusion/time-sampling.js";
import { classContinuousBound, classIntegrand, classReconstruction, classStepBound, classStepKl } from "../src/diffusion/class-bounds.js";
import { perClassSchedule } from "../src/diffusion/class-schedule.js";
import { stepBound, truncatedContinuous } from "../src/diffusion/bounds.js";
import { consistentSet, restrictedLogProbs } from "../src/diffusion/parameterization.js";
import { polynomial } from "../src/diffusion/schedules.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { tokenNll, weightedSum } from "../src/diffusion/losses/weighted-nll.js";
import { ClassExponents, inverseSoftplus, softplus } from "../src/methods/genmd4/exponents.js";
import { genmd4Loss, type GenMD4LossParts } from "../src/methods/genmd4/loss.js";
import { diffusionIntegrand, maskLogLikelihood, reconstruction } from "../src/methods/genmd4/objective.js";
import { polynomialClassSchedule } from "../src/methods/genmd4/polynomial-schedule.js";
import { functionDenoiser } from "./helpers/table-denoiser.js";
import {
  alpha, continuousExact, maskProb, hashedLogits, klRate, patterns, reconstructionExact, samplerLaw, stepBoundExact, stepKlEnumerated, type ClassProblem,
} from "./helpers/class-enumeration.js";

const V = 3;
const MASK = V;
const layout = tokenLayout(V);
const parameterization = consistentSet(layout);
const relClose = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1e-300, Math.abs(b)), `${what}: ${a} vs ${b} (relative tolerance ${tol})`);

/** A problem with hashed, time-agnostic logits. */
function problem(w: number[], eps: number, L = 3, seed = 1): ClassProblem {
  const f = hashedLogits(V, seed);
  return { V, L, w, eps, logits: (z) => f(z) };
}

/** The problem's table as a Denoiser (float64 logits through SUBS). */
const denoiserOf = (p: ClassProblem) => functionDenoiser(V, false, (z, t) => p.logits(z, t));

/** Float64 restricted log-probabilities [B, L, V] of states [B·L] under the problem's logits. */
function logpTensor(p: ClassProblem, states: Int32Array[]): Tensor {
  const logits = tensor(Float64Array.from(states.flatMap((z) => Array.from(p.logits(z, 0)))), [states.length, p.L, V], { dtype: "float64" });
  const z = tensor(Int32Array.from(states.flatMap((s) => Array.from(s))), [states.length, p.L], { dtype: "int64" });
  return restrictedLogProbs(parameterization, logits, z);
}

test("per-class polynomial schedule: stable forms equal the naive formulas, stay finite at the extremes; softplus init w = 1", () => {
  for (const eps of [0, 1e-4]) {
    const pc = polynomialClassSchedule(Float64Array.from([0.3, 1, 4.5]), eps);
    const p = problem([0.3, 1, 4.5], eps);
    for (const t of [0.01, 0.3, 0.9]) {
      pc.logAlpha(t).forEach((la, v) => relClose(Math.exp(la), alpha(p, v, t), 1e-12, `α_${v}(${t})`));
      pc.logMaskProb(t).forEach((lm, v) => relClose(Math.exp(lm), maskProb(p, v, t), 1e-12, `1 − α_${v}(${t})`));
      pc.weight(t).forEach((w, v) => relClose(w * t, p.w[v]!, 1e-14, `weight·t, class ${v}`));
      pc.revealProb(t / 2, t).forEach((r, v) => relClose(r, (maskProb(p, v, t) - maskProb(p, v, t / 2)) / maskProb(p, v, t), 1e-12, `r_${v}`));
    }
    // where the naive forms cancel to 0 or 1, the stable ones keep every digit
    pc.logMaskProb(1e-300).forEach((lm, v) => relClose(lm, Math.log1p(-eps) + p.w[v]! * Math.log(1e-300), 1e-14, "log(1 − α) at t = 1e-300"));
    pc.revealProb(0.5e-300, 1e-300).forEach((r, v) => relClose(r, 1 - 0.5 ** p.w[v]!, 1e-12, "r at t = 1e-300"));
    pc.revealProb(1 - 1e-12, 1).forEach((r, v) => relClose(r, p.w[v]! * 1e-12, 1e-3, "r for s → t"));
    assert.deepEqual(Array.from(pc.revealProb(0, 0.5)), [1, 1, 1]);
  }
  for (const w of [1e-3, 1, 50]) relClose(noGrad(() => tidy(() => softplus(tensor([inverseSoftplus(w)], [1], { dtype: "float64" })).item())), w, 1e-12, `softplus(inverseSoftplus(${w}))`);
  assert.deepEqual(Array.from(new ClassExponents(5).values(), (w) => Math.round(w * 1e6) / 1e6), [1, 1, 1, 1, 1]);
  assert.throws(() => polynomialClassSchedule(Float64Array.from([1, Number.NaN]), 0), /class 1: exponent w = NaN/);
});

test("§2.3 integrand = the KL rate of the reverse step, from enumerating next states; host and tensor forms agree with it", () => {
  const w = [0.5, 1.3, 2.4];
  const p = problem(w, 1e-4);
  const x = Int32Array.from([2, 0, 1]);
  const pc = polynomialClassSchedule(Float64Array.from(w), p.eps);
  for (const t of [0.05, 0.4, 0.93]) {
    for (const { M, z } of patterns(x, V)) {
      if (!M) continue;
      const rate = klRate(p, z, x, t);
      const h = 1e-6 * t;
      relClose(stepKlEnumerated(p, z, x, t - h, t) / h, rate, 1e-4, `KL/Δt, pattern ${M}, t = ${t}`);
      const host = classIntegrand(Float64Array.from(logpTensor(p, [z]).toFloat64Array()), { tokens: z, batch: 1, length: 3 }, { tokens: x, batch: 1, length: 3 }, V, [pc.weight(t)])[0]!;
      relClose(host, rate, 1e-9, `host integrand, pattern ${M}, t = ${t}`);
      const tens = tidy(() => diffusionIntegrand(logpTensor(p, [z]), tensor(x, [1, 3], { dtype: "int64" }), tensor(Uint8Array.from(z, (v) => (v === MASK ? 1 : 0)), [1, 3], { dtype: "bool" }), tensor(w, [3], { dtype: "float64" }), tensor([t], [1], { dtype: "float64" })).item());
      relClose(tens, rate, 1e-9, `tensor integrand, pattern ${M}, t = ${t}`);
    }
  }
});

test("all w equal: the integrand is MD4's weighted cross-entropy to 1e-9, and the bounds are MD4's (plus the t1 reconstruction)", () => {
  const c = 1.7;
  const p = problem([c, c, c], 0);
  const xs = [Int32Array.from([0, 2, 1]), Int32Array.from([1, 1, 2]), Int32Array.from([2, 0, 0])];
  const masks = [[1, 0, 1], [1, 1, 1], [0, 1, 0]];
  const zs = xs.map((x, b) => x.map((v, i) => (masks[b]![i] ? MASK : v)));
  const t = [0.2, 0.55, 0.9];
  tidy(() => {
    const logp = logpTensor(p, zs);
    const x = tensor(Int32Array.from(xs.flatMap((a) => Array.from(a))), [3, 3], { dtype: "int64" });
    const masked = tensor(Uint8Array.from(masks.flat()), [3, 3], { dtype: "bool" });
    const ours = diffusionIntegrand(logp, x, masked, tensor([c, c, c], [3], { dtype: "float64" }), tensor(t, [3], { dtype: "float64" })).sum().item();
    const md4 = weightedSum(tokenNll(logp, x), masked, tensor(t.map((ti) => c / ti), [3], { dtype: "float64" })).item() * 9;
    assert.ok(Math.abs(ours - md4) < 1e-9, `GenMD4 ${ours} vs MD4 ${md4}`);
  });
  const d = denoiserOf(p);
  const batch = { tokens: Int32Array.from(Array.from({ length: 40 }, (_, b) => Array.from(xs[b % 3]!)).flat()), batch: 40, length: 3 };
  const perClass = perClassSchedule("equal", polynomialClassSchedule(Float64Array.from([c, c, c]), 0));
  const o = { tMin: 1e-3, steps: 7 };
  const ours = classStepBound("g").estimate(d, batch, new Rng(3), { ...o, schedule: perClass });
  const md4 = stepBound("m").estimate(d, batch, new Rng(3), { ...o, schedule: polynomial(c) });
  ours.forEach((v, b) => assert.ok(Math.abs(v - md4[b]!) < 1e-9, `T-step bound, sequence ${b}: ${v} vs ${md4[b]}`));
  const cont = classContinuousBound("g").estimate(d, batch, new Rng(4), { ...o, schedule: perClass });
  const cmd4 = truncatedContinuous("m", "m", "digit").estimate(d, batch, new Rng(4), { ...o, schedule: polynomial(c) });
  const recon = classReconstruction(batch, perClass.perClass!, 1e-3);
  cont.forEach((v, b) => assert.ok(Math.abs(v - cmd4[b]! - recon[b]!) < 1e-9, `continuous bound, sequence ${b}`));
  assert.ok(recon.every((r) => r > 0));
});

test("every term is ≥ 0: integrand, step KL and reconstruction on random problems; the loss's logged terms too", () => {
  const rng = new Rng(17);
  for (let trial = 0; trial < 20; trial++) {
    const w = [0, 1, 2].map(() => 0.1 + 4 * rng.next());
    const p = problem(w, 1e-4, 3, trial);
    const pc = polynomialClassSchedule(Float64Array.from(w), 1e-4);
    const x = Int32Array.from([0, 1, 2].map(() => Math.floor(rng.next() * V)));
    for (const { z } of patterns(x, V)) {
      const t = 0.01 + 0.98 * rng.next();
      const lp = logpTensor(p, [z]).toFloat64Array();
      const st = { tokens: z, batch: 1, length: 3 };
      const cl = { tokens: x, batch: 1, length: 3 };
      assert.ok(classIntegrand(lp, st, cl, V, [pc.weight(t)])[0]! >= 0);
      assert.ok(classStepKl(lp, st, cl, V, [pc.revealProb(t * rng.next(), t)])[0]! >= 0);
    }
    assert.ok(classReconstruction({ tokens: x, batch: 1, length: 3 }, pc, 1e-3)[0]! > 0);
    const r = tidy(() => reconstruction(tensor(x, [1, 3], { dtype: "int64" }), tensor(w, [3], { dtype: "float64" }), 1e-3, 1e-4).item());
    relClose(r, reconstructionExact(p, x, 1e-3), 1e-9, "tensor reconstruction vs the naive form");
  }
  const out = lossOn(problem([0.6, 1, 2.2], 1e-4, 2), [0.6, 1, 2.2], 64, new Rng(5));
  assert.ok(out.terms.diffusion! >= 0 && out.terms.reconstruction! >= 0);
  assert.equal(out.terms.nelbo, out.terms.diffusion! + out.terms.reconstruction!);
  assert.equal(out.objective, out.terms.nelbo);
});

test("bounds: Monte Carlo within 3 standard errors of enumeration; the T-step bound is ≥ −log p_T(x) of the sampler's exact law", () => {
  const p = problem([0.6, 1.4, 2.5], 0);
  const d = denoiserOf(p);
  const perClass = perClassSchedule("test", polynomialClassSchedule(Float64Array.from(p.w), 0));
  const n = 6000;
  for (const x of [Int32Array.from([0, 2, 1]), Int32Array.from([2, 2, 0])]) {
    const batch = { tokens: Int32Array.from({ length: 3 * n }, (_, k) => x[k % 3]!), batch: n, length: 3 };
    for (const [bound, exact, steps] of [
      [classContinuousBound("c"), continuousExact(p, x, 1e-3), 1],
      [classStepBound("t"), stepBoundExact(p, x, 4), 4],
    ] as const) {
      const est = bound.estimate(d, batch, new Rng(9), { schedule: perClass, tMin: 1e-3, steps });
      const mean = est.reduce((a, b) => a + b, 0) / n;
      const se = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) / n);
      assert.ok(Math.abs(mean - exact) < 3 * se, `${bound.name} for [${x}]: MC ${mean} ± ${se} vs exact ${exact}`);
      assert.ok(se < 0.05 * exact, `the check has power: se ${se} vs ${exact}`);
    }
  }
  // certified: for every sequence and T, the exact T-step bound is above −log of the exact probability the T-step sampler gives it
  for (const T of [1, 2, 4, 16]) {
    const law = samplerLaw(p, T);
    let idx = 0;
    for (let a = 0; a < V; a++) for (let b = 0; b < V; b++) for (let c = 0; c < V; c++, idx++) {
      const x = Int32Array.from([a, b, c]);
      const nelbo = stepBoundExact(p, x, T);
      assert.ok(nelbo >= -Math.log(law[idx]!) - 1e-12, `T = ${T}, x = [${x}]: bound ${nelbo} < −log p_T = ${-Math.log(law[idx]!)}`);
    }
    assert.ok(Math.abs(law.reduce((s, q) => s + q, 0) - 1) < 1e-12);
  }
  // many steps: the T-step bound approaches the continuous one (slowly, like T^(−min w), from below for this μ)
  const x = Int32Array.from([1, 0, 2]);
  const cont = continuousExact(p, x, 1e-8);
  const gaps = [100, 400, 1600].map((T) => Math.abs(stepBoundExact(p, x, T) - cont));
  assert.ok(gaps[0]! > gaps[1]! && gaps[1]! > gaps[2]! && gaps[2]! < 0.01 * cont, `gaps to the continuous bound at T = 100, 400, 1600: ${gaps}`);
});

/** The loss on a batch of B/3·(the three sequences) under the problem's table network, with exponents w. */
function lossOn(p: ClassProblem, w: number[], B: number, rng: Rng, exponents = exponentsAt(w)) {
  const seqs = [[0, 2], [1, 1], [2, 0]].map((s) => s.slice(0, p.L));
  const x = tensor(Int32Array.from({ length: B * p.L }, (_, k) => seqs[Math.floor(k / p.L) % 3]![k % p.L]!), [B, p.L], { dtype: "int64" });
  const parts: GenMD4LossParts = {
    predict: (z) => {
      const zs = z.toInt32Array();
      const rows = Array.from({ length: z.shape[0]! }, (_, b) => Array.from(p.logits(zs.subarray(b * p.L, (b + 1) * p.L), 0)));
      return tensor(Float32Array.from(rows.flat()), [z.shape[0]!, p.L, V]);
    },
    exponents, parameterization, maskId: MASK, eps: p.eps, t1: 1e-3,
  };
  return genmd4Loss(parts, x, antithetic(B, rng, 1e-3));
}

/** Exponents with softplus(ŵ) = w. */
function exponentsAt(w: number[]): ClassExponents {
  const e = new ClassExponents(w.length);
  noGrad(() => e.wHat.copyInPlace(tensor(w.map(inverseSoftplus), [w.length])));
  return e;
}

test("RLOO: the mean gradient for ŵ matches a finite difference of the exact NELBO within 3 s.e.; without the REINFORCE part it would not", () => {
  const w = [0.7, 1.2, 2.0];
  const base = problem(w, 1e-4, 2, 4);
  const xs = [Int32Array.from([0, 2]), Int32Array.from([1, 1]), Int32Array.from([2, 0])];
  const wHat = w.map(inverseSoftplus);
  const nelboAt = (wh: number[], frozenMask: boolean): number => {
    const wv = wh.map((u) => Math.log1p(Math.exp(u)));
    const p = { ...base, w: wv, ...(frozenMask ? { wMask: w } : {}) };
    return xs.reduce((a, x) => a + continuousExact(p, x, 1e-3), 0) / xs.length;
  };
  const fd = (frozen: boolean) => wHat.map((_, v) => {
    const h = 1e-4;
    const up = wHat.map((u, k) => (k === v ? u + h : u));
    const dn = wHat.map((u, k) => (k === v ? u - h : u));
    return (nelboAt(up, frozen) - nelboAt(dn, frozen)) / (2 * h);
  });
  const exact = fd(false);
  const pathwiseOnly = fd(true);
  manualSeed(21);
  const rng = new Rng(22);
  const R = 300;
  const B = 96;
  const grads: number[][] = [];
  const e = exponentsAt(w);
  for (let r = 0; r < R; r++) {
    tidy(() => {
      const out = lossOn(base, w, B, rng, e);
      out.loss.backward();
      grads.push(Array.from(e.wHat.grad!.toFloat64Array(), (g) => g * base.L)); // per-sequence NELBO gradient
      e.wHat.zeroGrad();
    });
  }
  for (let v = 0; v < 3; v++) {
    const g = grads.map((row) => row[v]!);
    const mean = g.reduce((a, b) => a + b, 0) / R;
    const se = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / (R - 1) / R);
    assert.ok(Math.abs(mean - exact[v]!) < 3 * se, `ŵ_${v}: RLOO mean ${mean} ± ${se} vs finite difference ${exact[v]}`);
    assert.ok(Math.abs(pathwiseOnly[v]! - exact[v]!) > 5 * se, `ŵ_${v}: the score-function part (${exact[v]! - pathwiseOnly[v]!}) must be visible at this s.e. (${se})`);
  }
});

test("pathwise gradients (float64) of integrand, reconstruction and mask log-likelihood match central finite differences", () => {
  const p = problem([0.8, 1.5, 2.2], 1e-4, 3, 6);
  const xs = [Int32Array.from([0, 2, 1]), Int32Array.from([1, 1, 0])];
  const zs = [Int32Array.from([MASK, 2, MASK]), Int32Array.from([MASK, MASK, MASK])];
  const x = tensor(Int32Array.from(xs.flatMap((a) => Array.from(a))), [2, 3], { dtype: "int64" });
  const z = tensor(Int32Array.from(zs.flatMap((a) => Array.from(a))), [2, 3], { dtype: "int64" });
  const masked = z.eq(MASK);
  const t = tensor([0.3, 0.75], [2], { dtype: "float64" });
  const logits0 = Float64Array.from(zs.flatMap((a) => Array.from(p.logits(a, 0))));
  const wHat0 = p.w.map(inverseSoftplus);
  const f = (wh: Tensor, lg: Tensor): Tensor => {
    const w = softplus(wh);
    const logp = restrictedLogProbs(parameterization, lg, z);
    return diffusionIntegrand(logp, x, masked, w, t).sum().add(reconstruction(x, w, 1e-3, 1e-4).sum()).add(maskLogLikelihood(x, masked, w, t, 1e-4).sum().mul(0.3));
  };
  const wh = tensor(wHat0, [3], { dtype: "float64" });
  const lg = tensor(logits0, [2, 3, 3], { dtype: "float64" });
  wh.requiresGrad = true;
  lg.requiresGrad = true;
  f(wh, lg).backward();
  const gw = wh.grad!.toFloat64Array();
  const gl = lg.grad!.toFloat64Array();
  const value = (a: number[], b: Float64Array) => noGrad(() => tidy(() => f(tensor(a, [3], { dtype: "float64" }), tensor(b, [2, 3, 3], { dtype: "float64" })).item()));
  const h = 1e-6;
  wHat0.forEach((_, v) => {
    const num = (value(wHat0.map((u, k) => (k === v ? u + h : u)), logits0) - value(wHat0.map((u, k) => (k === v ? u - h : u)), logits0)) / (2 * h);
    relClose(gw[v]!, num, 1e-6, `∂/∂ŵ_${v}`);
  });
  for (const k of [0, 4, 8, 10, 17]) {
    const up = logits0.slice();
    const dn = logits0.slice();
    up[k]! += h;
    dn[k]! -= h;
    const num = (value(wHat0, up) - value(wHat0, dn)) / (2 * h);
    assert.ok(Math.abs(gl[k]! - num) < 1e-7 + 1e-6 * Math.abs(num), `∂/∂logit ${k}: ${gl[k]} vs ${num}`);
  }
  assert.ok(gl.slice(3, 6).every((g) => g === 0), "an unmasked position's logits get no gradient (SUBS)");
});
