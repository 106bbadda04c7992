// Exact checks of block diffusion's bound on tiny problems: at L′ = 1 it is the exact autoregressive NLL of a table model;
// at other block sizes the Monte-Carlo estimates (continuous and T-step) agree with enumeration inside every block.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Denoiser, PredictExtras, States } from "../src/diffusion/denoiser.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { Rng } from "../src/engine/rng.js";
import { manualSeed, noGrad, randn } from "../src/engine/index.js";
import { exactBlockNelbo } from "../src/eval/block-exact.js";
import { blockNelbo, type BlockForm } from "../src/methods/bd3/block-nelbo.js";
import { methodNamed } from "../src/methods/registry.js";
import { parseTrainConfig } from "../src/train/config.js";
import { tokenParts } from "./helpers/table-denoiser.js";

const V = 3;

/** A fixed pseudo-random logit in [−2, 2] for a key (a function of the key alone, whatever the call order). */
function logitOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
  return 4 * (new Rng(h).next() - 0.5);
}

/**
 * A table model that reads the clean context: logits at position i of block j are a fixed function of (i, the clean tokens
 * before block j, and — unless `autoregressive` — the noisy tokens of block j). It never looks at other blocks' noisy tokens.
 */
function contextTable(blockSize: number, autoregressive: boolean): Denoiser {
  return {
    ...tokenParts(V),
    timeConditioned: false,
    predict(states: States, _t: Float64Array, extras?: PredictExtras): Float64Array {
      const { batch: B, length: L } = states;
      const out = new Float64Array(B * L * V);
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < L; i++) {
          const start = Math.floor(i / blockSize) * blockSize;
          const prefix = Array.from(extras!.context!.subarray(b * L, b * L + start)).join("");
          const own = autoregressive ? "" : Array.from(states.tokens.subarray(b * L + start, b * L + Math.min(L, start + blockSize))).join("");
          for (let v = 0; v < V; v++) out[(b * L + i) * V + v] = logitOf(`${i}|${prefix}|${own}|${v}`);
        }
      }
      return out;
    },
  };
}

/** −Σ_i log softmax(table at i given x_<i)[x_i]: the autoregressive NLL computed straight from the table. */
function autoregressiveNll(x: Int32Array): number {
  let nll = 0;
  for (let i = 0; i < x.length; i++) {
    const logits = Array.from({ length: V }, (_, v) => logitOf(`${i}|${Array.from(x.subarray(0, i)).join("")}||${v}`));
    const m = Math.max(...logits);
    nll -= logits[x[i]!]! - m - Math.log(logits.reduce((a, l) => a + Math.exp(l - m), 0));
  }
  return nll;
}

/** Mean and standard error of `batches` batch means of blockNelbo on copies of x. */
function monteCarlo(d: Denoiser, x: Int32Array, blockSize: number, form: BlockForm, batches: number, seed: number): { mean: number; stderr: number } {
  const schedule = scheduleFromName("linear");
  const rng = new Rng(seed);
  const B = 32;
  const tokens = new Int32Array(B * x.length);
  for (let b = 0; b < B; b++) tokens.set(x, b * x.length);
  const means = Array.from({ length: batches }, () => blockNelbo(d, { tokens, batch: B, length: x.length }, blockSize, schedule, rng, form).reduce((a, v) => a + v, 0) / B);
  const mean = means.reduce((a, m) => a + m, 0) / batches;
  const variance = means.reduce((a, m) => a + (m - mean) ** 2, 0) / (batches - 1);
  return { mean, stderr: Math.sqrt(variance / batches) };
}

function within3Se(mc: { mean: number; stderr: number }, exact: number, what: string): void {
  assert.ok(mc.stderr > 0 && mc.stderr < 0.03 * exact, `${what}: stderr ${mc.stderr}`);
  assert.ok(Math.abs(mc.mean - exact) <= 3 * mc.stderr, `${what}: MC ${mc.mean} ± ${mc.stderr} vs exact ${exact}`);
}

const X = Int32Array.of(2, 0, 1, 1, 0);

test("L′ = 1: the per-block bound is the autoregressive NLL of the table model — exactly by enumeration (both forms), and in Monte Carlo (T-step)", () => {
  const ar = contextTable(1, true);
  const schedule = scheduleFromName("linear");
  const nll = autoregressiveNll(X);
  assert.ok(nll > 2);
  for (const T of [1, 5, 64]) assert.ok(Math.abs(exactBlockNelbo(ar, X, 1, schedule, { kind: "steps", T }) - nll) < 1e-12, `T = ${T}`);
  assert.ok(Math.abs(exactBlockNelbo(ar, X, 1, schedule, { kind: "continuous", tMin: 0 }) - nll) < 1e-9);
  // the truncated continuous form leaves out tMin of each token's weight: below the NLL by exactly tMin·NLL
  assert.ok(Math.abs(exactBlockNelbo(ar, X, 1, schedule, { kind: "continuous", tMin: 0.01 }) - 0.99 * nll) < 1e-9);
  within3Se(monteCarlo(ar, X, 1, { kind: "steps", T: 16 }, 150, 1), nll, "T-step MC at L′ = 1");
});

for (const blockSize of [2, 3, 5]) {
  test(`L′ = ${blockSize}, L = 5: Monte Carlo of the per-block bound within 3 standard errors of enumeration (continuous and T-step)`, () => {
    const d = contextTable(blockSize, false);
    const schedule = scheduleFromName("linear");
    const exactSteps = exactBlockNelbo(d, X, blockSize, schedule, { kind: "steps", T: 4 });
    const exactCont = exactBlockNelbo(d, X, blockSize, schedule, { kind: "continuous", tMin: 1e-3 });
    assert.ok(exactSteps > exactCont, "T-step bound above the continuous one for T = 4");
    within3Se(monteCarlo(d, X, blockSize, { kind: "steps", T: 4 }, 120, 2), exactSteps, "T-step");
    within3Se(monteCarlo(d, X, blockSize, { kind: "continuous", tMin: 1e-3 }, 120, 3), exactCont, "continuous");
    // a different block size gives a different bound: the comparison can fail
    const other = exactBlockNelbo(contextTable(blockSize === 5 ? 2 : 5, false), X, blockSize === 5 ? 2 : 5, schedule, { kind: "steps", T: 4 });
    assert.ok(Math.abs(other - exactSteps) > 0.05);
  });
}

test("the DiT's bd3 denoiser (random weights, gates open): Monte Carlo of the T-step bound within 3 standard errors of enumeration", () => {
  const base = {
    data: { name: "markov", seqLen: 5, markovSeed: 3, markovSymbols: 3, markovSize: 4000 },
    model: { d: 16, layers: 2, heads: 2, cond: 8 },
    method: { name: "bd3", block: 2 },
    train: { steps: 1, batch: 2, lr: 1e-3 },
  };
  const model = methodNamed("bd3").build(parseTrainConfig(base), V);
  manualSeed(4);
  noGrad(() => model.network.loadStateDict(Object.fromEntries(model.network.namedParameters().map(([n, p]) => [n, n.includes("ada") || n.includes("out") ? randn(p.shape) : p]))));
  const d = model.denoiser();
  const exact = exactBlockNelbo(d, X, 2, scheduleFromName("linear"), { kind: "steps", T: 3 });
  within3Se(monteCarlo(d, X, 2, { kind: "steps", T: 3 }, 80, 5), exact, "DiT T-step");
});
