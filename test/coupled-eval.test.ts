/** Coupled-token scores: closed forms of the independent sampler, and the true denoiser at one step and at many steps. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { coupledLaw } from "../src/data/coupled.js";
import { evaluateCoupled, productOfMarginalsScore, scoreRecords } from "../src/eval/coupled-eval.js";
import { ancestralPolicy } from "../src/diffusion/samplers/index.js";
import { linear } from "../src/diffusion/schedules.js";
import { trueDenoiser } from "./helpers/table-denoiser.js";

test("independent one-step sampler: accuracy 0.100 and KL ln 10 on D1, Σ((k+1)/55)² and H(D2) on D2; 0.001 on four tokens", () => {
  const d1 = productOfMarginalsScore(coupledLaw("pairs"), 2);
  assert.ok(Math.abs(d1.accuracy - 0.1) < 1e-12 && Math.abs(d1.kl_nats - Math.log(10)) < 1e-12);
  const q = Array.from({ length: 10 }, (_, k) => (k + 1) / 55);
  const d2 = productOfMarginalsScore(coupledLaw("pairs-weighted"), 2);
  assert.ok(Math.abs(d2.accuracy - q.reduce((a, x) => a + x * x, 0)) < 1e-12, `${d2.accuracy}`);
  assert.ok(Math.abs(d2.accuracy - 0.127) < 5e-4);
  assert.ok(Math.abs(d2.kl_nats - 2.151) < 5e-4, `${d2.kl_nats}`);
  assert.ok(Math.abs(productOfMarginalsScore(coupledLaw("quads"), 4).accuracy - 0.001) < 1e-12);
  assert.ok(Math.abs(productOfMarginalsScore(coupledLaw("pairs-mixed", 0), 2).kl_nats) < 1e-12, "independent data: nothing lost");
});

test("scores of records: all in the support at the data law → KL ≈ 0; one record outside → accuracy below 1", () => {
  const recs = Int32Array.from(Array.from({ length: 10_000 }, (_, r) => [r % 10, (r + 1) % 10]).flat());
  const s = scoreRecords(recs, 2, coupledLaw("pairs"));
  assert.equal(s.accuracy, 1);
  assert.ok(Math.abs(s.kl_nats) < 1e-4);
  recs[0] = 5;
  assert.equal(scoreRecords(recs, 2, coupledLaw("pairs")).accuracy, 0.9999);
});

test("the true denoiser: one step samples the product of marginals (accuracy 0.1), many steps the joint (accuracy 1)", () => {
  const law = coupledLaw("pairs");
  const den = trueDenoiser({ V: 10, L: 2, probs: law });
  const one = evaluateCoupled(den, ancestralPolicy(), { length: 2, law, steps: 1, n: 20_000, seed: 1, schedule: linear() });
  assert.ok(Math.abs(one.accuracy - 0.1) < 3 * one.accuracy_stderr + 1e-9, `T = 1: ${one.accuracy} ± ${one.accuracy_stderr}`);
  // KL = −Σ_support 0.1·log p̂ moves by ≈ δ(accuracy)/accuracy: 3 s.e. of that
  assert.ok(Math.abs(one.kl_nats - Math.log(10)) < (3 * one.accuracy_stderr) / one.accuracy + 0.01, `T = 1: KL ${one.kl_nats}`);
  const many = evaluateCoupled(den, ancestralPolicy(), { length: 2, law, steps: 400, n: 20_000, seed: 2, schedule: linear() });
  // with T steps, both tokens land in the same step with probability 1/T (linear schedule, uniform grid): accuracy ≈ 1 − 0.9/T
  assert.ok(many.accuracy > 0.99 && many.kl_nats < 0.02, `T = 400: ${many.accuracy}, KL ${many.kl_nats}`);
});
