/**
 * Samplers, deterministic checks: top-p variants, grids, reveal counts, the shared loop's
 * bookkeeping (caching, trace, prompt, final fill, errors) and the policies' orderings.
 * Distributional checks live in sampler-exact.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/engine/rng.js";
import { tensor, tidy } from "../src/engine/index.js";
import type { Denoiser } from "../src/diffusion/denoiser.js";
import type { Schedule } from "../src/diffusion/schedule.js";
import {
  ancestralPolicy,
  confidencePolicy,
  confidenceScore,
  drawCategorical,
  emptySummaries,
  gridPoint,
  masksAfterStep,
  muRows,
  nucleusMask,
  sample,
  samplerFromName,
  samplerNames,
  summarizeRows,
  unmaskProbability,
  type SampleOptions,
  type SamplerPolicy,
  type StepContext,
} from "../src/diffusion/samplers/index.js";
import { functionDenoiser, stateDenoiser } from "./helpers/table-denoiser.js";

/** α(t) = 1 − t. */
const linear: Schedule = { name: "linear", alpha: (t) => 1 - t, maskProb: (t) => t, alphaPrime: () => -1, weight: (t) => 1 / t };
/** α(t) = (1 − t)/2: half the tokens are still masked at t = 0, so the final fill has work to do. */
const half: Schedule = { name: "half", alpha: (t) => (1 - t) / 2, maskProb: (t) => (1 + t) / 2, alphaPrime: () => -0.5, weight: (t) => 1 / (1 + t) };

const V = 3;
const MASK = V;

/** Fixed logits per position (independent of the state), row i = log of rows[i % rows.length]. */
function fixedDenoiser(rows: number[][], timeConditioned = false): Denoiser {
  return functionDenoiser(V, timeConditioned, (z) => Float64Array.from(Array.from(z).flatMap((_, i) => rows[i % rows.length]!.map(Math.log))));
}


function opts(extra: Partial<SampleOptions> = {}): SampleOptions {
  return { batch: 1, length: 4, steps: 4, schedule: linear, rng: new Rng(1), ...extra };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `at ${i}: ${a[i]} vs ${b[i]} (${Array.from(a)} vs ${Array.from(b)})`);
};

/** Rows [r, V] of weights filtered by nucleusMask at p and renormalised, read back flat. */
const filteredRows = (rows: number[], V: number, p: number, variant: "mdlm" | "md4"): Float64Array =>
  tidy(() => {
    const w = tensor(Float64Array.from(rows), [rows.length / V, V], { dtype: "float64" });
    const kept = w.mul(nucleusMask(w, w.sum(-1, false, "float64"), p, variant));
    return kept.div(kept.sum(-1, true)).toFloat64Array();
  });
const filtered = (row: number[], p: number, variant: "mdlm" | "md4"): Float64Array => filteredRows(row, row.length, p, variant);

test("top-p mdlm excludes the crossing token, md4 includes it", () => {
  const row = [0.05, 0.5, 0.15, 0.3]; // sorted: 0.5, 0.3, 0.15, 0.05
  close(filtered(row, 0.7, "mdlm"), [0, 1, 0, 0]); // 0.5 ≤ 0.7 < 0.8
  close(filtered(row, 0.7, "md4"), [0, 0.5 / 0.8, 0, 0.3 / 0.8]);
  close(filtered(row, 0.9, "mdlm"), [0, 0.5 / 0.8, 0, 0.3 / 0.8]); // 0.8 ≤ 0.9 < 0.95
  close(filtered(row, 0.9, "md4"), [0, 0.5 / 0.95, 0.15 / 0.95, 0.3 / 0.95]);
});

test("top-p at an exact boundary: a cumulative sum equal to p counts as reaching it, in both variants", () => {
  const row = [0.125, 0.5, 0.125, 0.25]; // dyadic, so the sums are exact
  close(filtered(row, 0.75, "mdlm"), [0, 2 / 3, 0, 1 / 3], 0);
  close(filtered(row, 0.75, "md4"), [0, 2 / 3, 0, 1 / 3], 0);
});

test("top-p keeps the top-1 even when it alone exceeds p", () => {
  close(filtered([0.2, 0.7, 0.1], 0.1, "mdlm"), [0, 1, 0]);
  close(filtered([0.2, 0.7, 0.1], 0.1, "md4"), [0, 1, 0]);
});

test("top-p ties: md4 keeps a whole tie group, mdlm cuts by position order", () => {
  close(filtered([0.4, 0.2, 0.2, 0.2], 0.5, "md4"), [0.4, 0.2, 0.2, 0.2]);
  close(filtered([0.4, 0.2, 0.2, 0.2], 0.5, "mdlm"), [1, 0, 0, 0]);
  close(filtered([0.2, 0.3, 0.3, 0.2], 0.25, "md4"), [0, 0.5, 0.5, 0]);
  close(filtered([0.2, 0.3, 0.3, 0.2], 0.25, "mdlm"), [0, 1, 0, 0]);
  close(filtered([0.2, 0.3, 0.3, 0.2], 0.65, "mdlm"), [0, 0.5, 0.5, 0]); // 0.6 ≤ 0.65 < 0.8
});

test("top-p in float32 weights (the network's dtype) gives the same cuts", () => {
  const w = tensor(Float32Array.from([0.05, 0.5, 0.15, 0.3, 0.4, 0.2, 0.2, 0.2]), [2, 4]);
  const keep = (p: number, variant: "mdlm" | "md4") => Array.from(tidy(() => nucleusMask(w, w.sum(-1, false, "float64"), p, variant).toInt32Array()));
  assert.deepEqual(keep(0.7, "mdlm"), [0, 1, 0, 0, 1, 1, 0, 0]); // row 2: 0.4 + 0.2 ≤ 0.7, the first tie by position
  assert.deepEqual(keep(0.7, "md4"), [0, 1, 0, 1, 1, 1, 1, 1]);
  w.dispose();
});

test("top-p: p = 1 leaves μ as the normalised row; p outside (0, 1) is refused", () => {
  const row = [0.1, 0.6, 0.3000001];
  const sum = row.reduce((a, b) => a + b, 0);
  const logits = () => tensor(Float64Array.from(row, Math.log), [1, 3], { dtype: "float64" });
  for (const variant of ["mdlm", "md4"] as const) close(tidy(() => muRows(logits(), { topP: 1, variant }).toFloat64Array()), row.map((x) => x / sum), 1e-15);
  for (const p of [0, -0.5, 1, 1.5, NaN]) assert.throws(() => filtered(row, p, "md4"), /topP must be in/);
  for (const p of [0, 1.5, NaN]) assert.throws(() => tidy(() => muRows(logits(), { topP: p, variant: "md4" })), /topP must be in/);
});

test("nucleusMask filters every row of a [rows, V] buffer", () => {
  // last row: 0.8, then the first 0.1 (0.9 ≤ 0.95), not the second
  close(filteredRows([0.6, 0.3, 0.1, 0, 1, 0, 0.1, 0.1, 0.8], 3, 0.95, "mdlm"), [2 / 3, 1 / 3, 0, 0, 1, 0, 1 / 9, 0, 8 / 9]);
});

test("top-p on a long row with a crossing bucket of many entries agrees with sorting the row", () => {
  const rng = new Rng(5);
  const C = 3000;
  const row = Array.from({ length: C }, (_, i) => (i % 7 === 0 ? 0.001 : Math.exp(2 * rng.next()))); // ties and a spread
  const total = row.reduce((a, b) => a + b, 0);
  const order = Array.from({ length: C }, (_, i) => i).sort((a, b) => row[b]! - row[a]! || a - b);
  for (const p of [0.3, 0.9, 0.999]) {
    const kept = new Set<number>([order[0]!]); // mdlm: inclusive cumulative sum ≤ p
    let cum = 0;
    for (const i of order) if ((cum += row[i]!) <= p * total) kept.add(i);
    else break;
    const got = filtered(row, p, "mdlm");
    for (let i = 0; i < C; i++) assert.equal(got[i]! > 0, kept.has(i), `mdlm p=${p}, class ${i}`);
    let mass = 0;
    let theta = 0; // md4: the value at which the kept mass first reaches p
    for (const i of order) if ((mass += row[i]!) >= p * total) { theta = row[i]!; break; }
    const got4 = filtered(row, p, "md4");
    for (let i = 0; i < C; i++) assert.equal(got4[i]! > 0, row[i]! >= theta, `md4 p=${p}, class ${i}`);
  }
});

/** Summaries of logits rows [r, C] (float64) at uniforms u. */
function summaries(rows: number[][], u: number[]) {
  const out = emptySummaries(rows.length, ["margin", "entropy"]);
  tidy(() =>
    summarizeRows(tensor(Float64Array.from(rows.flat()), [rows.length, rows[0]!.length], { dtype: "float64" }), Float64Array.from(u), { topP: 1, variant: "mdlm", needs: ["margin", "entropy"] }, out, rows.map((_, i) => i)),
  );
  return out;
}

test("token summaries: the top class is the first maximum; draws never pick an excluded class; no finite class throws", () => {
  const s = summaries([[9, 0.2, 0.5, 0.5].map(Math.log), [0.3, 0.1, 0.3].map(Math.log).concat(-Infinity)], [0.5, 0.5]);
  assert.deepEqual(Array.from(s.top), [0, 0]);
  for (const u of [0, 0.3, 0.999999, 1 - 2 ** -53]) {
    const d = summaries([[0.7, 0, 0.2, 0, 0].map(Math.log)], [u]);
    assert.ok(d.candidate[0] === 0 || d.candidate[0] === 2, `u = ${u}: drew ${d.candidate[0]}`);
  }
  assert.equal(summaries([[0.7, 0, 0.2, 0, 0].map(Math.log)], [0.7 / 0.9 - 1e-9]).candidate[0], 0);
  assert.equal(summaries([[0.7, 0, 0.2, 0, 0].map(Math.log)], [0.7 / 0.9 + 1e-9]).candidate[0], 2);
  assert.throws(() => summaries([[-Infinity, -Infinity]], [0.5]), /no class with finite probability/);
});

test("drawCategorical inverts the float64 CDF across blocks (C > BLOCK) and at block edges", () => {
  const C = 1000;
  const w = Float64Array.from({ length: C }, (_, i) => (i % 3 === 0 ? 0 : 1 + (i % 5)));
  const cdf: number[] = [];
  w.reduce((a, x, i) => (cdf[i] = a + x), 0);
  const total = cdf[C - 1]!;
  const us = [0, 1e-12, 0.25, 0.5, 0.731, 0.999, 1 - 2 ** -53, ...Array.from({ length: 40 }, (_, k) => cdf[255 + k * 7]! / total)];
  const got = tidy(() => drawCategorical(tensor(w, [1, C]).expand(us.length, C).contiguous(), tensor(Float64Array.from(us), [us.length], { dtype: "float64" })).index.toInt32Array());
  us.forEach((u, k) => {
    const want = cdf.findIndex((c) => c > u * total);
    const expected = want < 0 ? C - 1 - [...w].reverse().findIndex((x) => x > 0) : want;
    assert.equal(got[k], expected, `u = ${u}`);
    assert.ok(w[got[k]!]! > 0);
  });
});

test("grids start at t = 1, end at s = 0, and chain step to step", () => {
  for (const kind of ["uniform", "cosine"] as const) {
    for (const T of [1, 2, 7]) {
      assert.equal(gridPoint(0, T, kind).t, 1);
      assert.equal(gridPoint(T - 1, T, kind).s, 0);
      for (let k = 0; k < T; k++) {
        const { t, s } = gridPoint(k, T, kind);
        assert.ok(t > s, `${kind} T=${T} k=${k}: ${t} > ${s}`);
        if (k + 1 < T) assert.equal(gridPoint(k + 1, T, kind).t, s);
      }
    }
  }
  assert.equal(gridPoint(1, 4, "uniform").t, 0.75);
  assert.ok(Math.abs(gridPoint(2, 4, "cosine").t - Math.SQRT1_2) < 1e-15); // cos(π/2·(1 − 0.5))
  assert.throws(() => gridPoint(4, 4, "uniform"), /step k/);
  assert.throws(() => gridPoint(0, 0, "uniform"), /positive integer/);
  assert.throws(() => gridPoint(0, 3, "log" as "uniform"), /unknown grid/);
});

test("unmask probability: α(s) at t = 1, 1 at s = 0, (α(s) − α(t))/(1 − α(t)) between", () => {
  assert.equal(unmaskProbability(1, 0.75), 0.25);
  assert.equal(unmaskProbability(0.3, 0), 1);
  assert.ok(Math.abs(unmaskProbability(0.7, 0.4) - 3 / 7) < 1e-15);
  assert.throws(() => unmaskProbability(0, 0), /need α\(t\) < 1/);
});

test("reveal counts: linear floor, cosine, α-derived rounding, 0 after the last step", () => {
  const seq = (kind: "linear" | "cosine" | "alpha", m: number, T: number) =>
    Array.from({ length: T }, (_, k) => masksAfterStep(kind, m, k, T, linear.maskProb(gridPoint(k, T, "uniform").s)));
  assert.deepEqual(seq("linear", 5, 5), [4, 3, 2, 1, 0]);
  assert.deepEqual(seq("linear", 3, 6), [2, 2, 1, 1, 0, 0]);
  assert.deepEqual(seq("linear", 7, 3), [4, 2, 0]);
  assert.deepEqual(seq("cosine", 4, 4), [3, 2, 1, 0]); // floor(4·cos(π/8)) = 3, floor(4·cos(π/4)) = 2, floor(4·cos(3π/8)) = 1
  assert.deepEqual(seq("alpha", 4, 3), [3, 1, 0]); // round(4·2/3), round(4·1/3)
  assert.throws(() => masksAfterStep("exp" as "linear", 4, 0, 3, 0.5), /unknown reveal schedule/);
});

test("confidence scores: prob of the candidate (or top), top-1 − top-2 margin, minus entropy", () => {
  const s = summaries([[0.2, 0.5, 0.3].map(Math.log), [0, 1, 0].map(Math.log)], [0.9, 0.1]);
  assert.equal(s.candidate[0], 2); // u = 0.9 lies in the last class's CDF interval [0.7, 1)
  assert.ok(Math.abs(confidenceScore(s, 0, "prob", false) - 0.3) < 1e-15);
  assert.ok(Math.abs(confidenceScore(s, 0, "prob", true) - 0.5) < 1e-15);
  assert.ok(Math.abs(confidenceScore(s, 0, "margin", true) - 0.2) < 1e-15);
  const h = -(0.2 * Math.log(0.2) + 0.5 * Math.log(0.5) + 0.3 * Math.log(0.3));
  assert.ok(Math.abs(confidenceScore(s, 0, "entropy", true) + h) < 1e-15);
  assert.ok(Math.abs(confidenceScore(s, 1, "entropy", true)) < 1e-300);
  assert.equal(confidenceScore(s, 1, "margin", true), 1);
});

test("samplerFromName builds each named policy and lists the valid names on error", () => {
  for (const name of samplerNames) assert.equal(samplerFromName(name).name, name);
  assert.throws(() => samplerFromName("remdm"), (e: Error) => samplerNames.every((n) => e.message.includes(n)));
  assert.throws(() => samplerFromName("confidence-prob", { candidate: "best" as "greedy" }), /unknown candidate rule/);
  assert.throws(() => confidencePolicy({ score: "logit" as "prob" }), /unknown confidence score/);
});

/** Position orderings each score gives on 4 positions (greedy candidates, one reveal per step). */
test("confidence policies reveal one position per step in score order, with argmax candidates", () => {
  const rows = [
    [0.5, 0.45, 0.05], // prob 0.5, margin 0.05, low entropy
    [0.4, 0.3, 0.3], // prob 0.4, margin 0.1, highest entropy
    [0.1, 0.1, 0.8], // prob 0.8, margin 0.7
    [0.34, 0.33, 0.33], // prob 0.34, margin 0.01
  ];
  const order = (name: string) => {
    const r = sample(fixedDenoiser(rows), samplerFromName(name), opts({ trace: true }));
    assert.deepEqual(Array.from(r.tokens), [0, 0, 2, 0]);
    assert.ok(r.trace!.every((e) => e.positions.length === 1));
    return r.trace!.map((e) => e.positions[0]);
  };
  assert.deepEqual(order("confidence-prob"), [2, 0, 1, 3]);
  assert.deepEqual(order("confidence-margin"), [2, 1, 0, 3]);
  const hs = rows.map((r) => -r.reduce((a, p) => a + p * Math.log(p), 0));
  const byEntropy = [0, 1, 2, 3].sort((a, b) => hs[a]! - hs[b]!);
  assert.deepEqual(order("confidence-entropy"), byEntropy);
});

test("confidence: T > L gives idle steps with minRevealPerStep 0, finishes early with the default 1", () => {
  const den = fixedDenoiser([[0.6, 0.3, 0.1]]);
  const exact = sample(den, confidencePolicy({ minRevealPerStep: 0 }), opts({ length: 2, steps: 6, trace: true }));
  assert.deepEqual(exact.trace!.map((e) => e.positions.length), [1, 0, 0, 1, 0, 0]); // masks left floor(2·(5−k)/6): 1,1,1,0,0,0
  assert.equal(exact.stats.idleSteps, 4);
  assert.equal(exact.stats.nfeNonCached, 2);
  const eager = sample(den, confidencePolicy(), opts({ length: 2, steps: 6, trace: true }));
  assert.deepEqual(eager.trace!.map((e) => e.positions.length), [1, 1, 0, 0, 0, 0]);
  assert.equal(eager.stats.idleSteps, 4);
  assert.equal(eager.stats.nfeNonCached, 2); // all-MASK, one revealed; a MASK-free state needs no call
});

test("top-p inside the loop: a tiny p makes every ancestral reveal the argmax (both variants)", () => {
  const rows = [[0.3, 0.5, 0.2], [0.45, 0.1, 0.45], [0.2, 0.2, 0.6]];
  for (const topPVariant of ["mdlm", "md4"] as const) {
    const r = sample(fixedDenoiser(rows), ancestralPolicy(), opts({ batch: 50, length: 3, steps: 3, topP: 1e-3, topPVariant, rng: new Rng(2) }));
    for (let b = 0; b < 50; b++) {
      const row = Array.from(r.tokens.subarray(b * 3, b * 3 + 3));
      if (topPVariant === "mdlm") assert.deepEqual(row, [1, 0, 2]);
      else assert.ok(row[0] === 1 && row[2] === 2 && (row[1] === 0 || row[1] === 2), `md4 keeps the tie: ${row}`);
    }
  }
});

test("final fill: no MASK is left, argmax fills agree with μ, nfe counts the extra prediction", () => {
  const rows = [[0.3, 0.5, 0.2], [0.45, 0.1, 0.45], [0.2, 0.2, 0.6], [0.7, 0.2, 0.1]];
  let before = 0;
  const probe: SamplerPolicy = {
    name: "probe",
    step(ctx) {
      ancestralPolicy().step(ctx);
      if (ctx.step === 1) before = ctx.tokens.filter((x) => x === MASK).length;
    },
  };
  const r = sample(fixedDenoiser(rows), probe, opts({ batch: 20, steps: 2, schedule: half, trace: true, rng: new Rng(5) }));
  assert.ok(before > 0, "the schedule leaves masks for the fill");
  assert.ok(!r.tokens.includes(MASK));
  const fill = r.trace!.at(-1)!;
  assert.equal(fill.step, 2);
  assert.equal(fill.positions.length, before);
  for (const [j, n] of fill.positions.entries()) assert.equal(fill.values[j], [1, 0, 2, 0][n % 4]);
  // predictedRows and idleSteps replayed from the trace by the documented rule: a call predicts exactly the
  // sequences that hold a MASK and changed since their last prediction (all of them at the first call)
  const z = new Int32Array(20 * 4).fill(MASK);
  const dirty = new Array<boolean>(20).fill(true);
  let predicted = 0;
  for (const e of r.trace!) {
    for (let b = 0; b < 20; b++) {
      if (dirty[b] && z.subarray(b * 4, b * 4 + 4).includes(MASK)) predicted++;
      dirty[b] = false;
    }
    e.positions.forEach((n, j) => ((z[n] = e.values[j]!), (dirty[Math.floor(n / 4)] = true)));
  }
  assert.ok(predicted > 20 && predicted < 60, `replayed predictedRows ${predicted}: the check needs some cached and some re-predicted rows`);
  const idle = r.trace!.slice(0, 2).filter((e) => e.positions.length === 0).length;
  const { sequenceNfe, ...counts } = r.stats;
  assert.deepEqual(counts, { nfe: 3, nfeNonCached: 3, predictedRows: predicted, idleSteps: idle });
  assert.equal(sequenceNfe.reduce((a, x) => a + x, 0), predicted, "per-sequence NFE sums to the predicted rows");
  const sampled = sample(fixedDenoiser(rows), ancestralPolicy(), opts({ batch: 20, steps: 2, schedule: half, finalFill: "sample" }));
  assert.ok(!sampled.tokens.includes(MASK));
  const none = sample(fixedDenoiser(rows), ancestralPolicy(), opts({ steps: 2 }));
  assert.equal(none.stats.nfe, 2, "linear α reaches 1 at s = 0: nothing to fill, no extra NFE");
});

test("prompt tokens never change (shared [L] and per-row [B·L] prompts, both policies)", () => {
  const den = stateDenoiser(V, false);
  const shared = Int32Array.from([MASK, 2, MASK, 0, MASK]);
  const perRow = Int32Array.from({ length: 3 * 5 }, (_, n) => (n % 3 === 0 ? n % V : MASK));
  for (const policy of [ancestralPolicy(), confidencePolicy(), confidencePolicy({ candidate: "sample", reveal: "alpha" })]) {
    for (const prompt of [shared, perRow]) {
      const r = sample(den, policy, opts({ batch: 3, length: 5, steps: 3, prompt, schedule: half, rng: new Rng(8) }));
      assert.ok(!r.tokens.includes(MASK));
      for (let n = 0; n < 15; n++) if (prompt[n % prompt.length] !== MASK) assert.equal(r.tokens[n], prompt[n % prompt.length]);
    }
  }
  const r = sample(den, confidencePolicy(), opts({ length: 5, steps: 3, prompt: shared, trace: true }));
  assert.deepEqual(r.trace!.map((e) => e.positions.length), [1, 1, 1]); // 3 generated positions over 3 steps
});

test("the loop rejects policies that touch the prompt or write invalid tokens, and bad options", () => {
  const den = fixedDenoiser([[0.2, 0.3, 0.5]]);
  const touch: SamplerPolicy = { name: "touch", step: (ctx) => void (ctx.tokens[1] = MASK) };
  assert.throws(() => sample(den, touch, opts({ prompt: Int32Array.from([MASK, 1, MASK, MASK]) })), /changed prompt position 1/);
  const bad: SamplerPolicy = { name: "bad", step: (ctx) => void (ctx.tokens[0] = 7) };
  assert.throws(() => sample(den, bad, opts()), /wrote token 7/);
  const anc = ancestralPolicy();
  assert.throws(() => sample(den, anc, opts({ steps: 0 })), /steps must be a positive integer/);
  assert.throws(() => sample(den, anc, opts({ topP: 0 })), /topP/);
  assert.throws(() => sample(den, anc, opts({ topPVariant: "hf" as "md4" })), /unknown topPVariant/);
  assert.throws(() => sample(den, anc, opts({ finalFill: "mode" as "argmax" })), /unknown finalFill/);
  assert.throws(() => sample(den, anc, opts({ prompt: new Int32Array(3) })), /prompt has length 3/);
  assert.throws(() => sample(den, anc, opts({ prompt: Int32Array.from([0, 1, 4, 0]) })), /outside 0..3/);
  const short: Denoiser = { ...den, predict: () => new Float64Array(2) };
  assert.throws(() => sample(short, anc, opts()), /returned 2 logits/);
});

test("trace records exactly the positions each step changed, with their new values", () => {
  const snapshots: Int32Array[] = [];
  const inner = samplerFromName("ancestral");
  const spy: SamplerPolicy = {
    name: "spy",
    step(ctx) {
      snapshots.push(ctx.tokens.slice());
      inner.step(ctx);
      snapshots.push(ctx.tokens.slice());
    },
  };
  const r = sample(stateDenoiser(V, false), spy, opts({ batch: 4, length: 5, steps: 7, trace: true, schedule: half }));
  assert.equal(r.trace!.length, 8); // 7 steps + final fill
  for (let k = 0; k < 7; k++) {
    const [a, b] = [snapshots[2 * k]!, snapshots[2 * k + 1]!];
    const diff = Array.from(a.keys()).filter((n) => a[n] !== b[n]);
    assert.deepEqual(Array.from(r.trace![k]!.positions), diff);
    assert.deepEqual(Array.from(r.trace![k]!.values), diff.map((n) => b[n]));
    assert.equal(r.trace![k]!.step, k);
  }
  const replay = new Int32Array(20).fill(MASK);
  for (const e of r.trace!) e.positions.forEach((n, j) => (replay[n] = e.values[j]!));
  assert.deepEqual(replay, r.tokens);
  assert.equal(r.stats.idleSteps, r.trace!.slice(0, 7).filter((e) => e.positions.length === 0).length);
});

test("same seed gives the same samples, another seed other samples", () => {
  for (const name of ["ancestral", "confidence-prob"]) {
    const policy = samplerFromName(name, { candidate: "sample", temperature: 0.5 });
    const run = (seed: number) => sample(stateDenoiser(V, false), policy, opts({ batch: 16, length: 6, steps: 6, rng: new Rng(seed) })).tokens;
    assert.deepEqual(run(11), run(11));
    assert.notDeepEqual(run(11), run(12));
  }
});

/** The state at the start of each step, rebuilt from the trace. */
function statesFromTrace(r: { trace?: { positions: Int32Array; values: Int32Array }[] }, size: number, steps: number): Int32Array[] {
  const z = new Int32Array(size).fill(MASK);
  const out: Int32Array[] = [];
  for (const e of r.trace!.slice(0, steps)) {
    out.push(z.slice());
    e.positions.forEach((n, j) => (z[n] = e.values[j]!));
  }
  return out;
}

test("caching: a time-agnostic denoiser is called once per distinct masked state, never twice on one", () => {
  const seen: string[] = [];
  const den = stateDenoiser(V, false, (s) => seen.push(Array.from(s.tokens).join(",")));
  const r = sample(den, ancestralPolicy(), opts({ length: 3, steps: 40, trace: true, rng: new Rng(4) }));
  const starts = statesFromTrace(r, 3, 40).filter((z) => z.includes(MASK)).map((z) => Array.from(z).join(","));
  assert.deepEqual(seen, [...new Set(starts)]);
  assert.equal(r.stats.nfeNonCached, new Set(starts).size);
  assert.equal(r.stats.nfe, 40);
  assert.ok(r.stats.nfeNonCached <= 3 && r.stats.nfeNonCached < r.stats.nfe);
  assert.equal(r.stats.idleSteps, 40 - r.trace!.filter((e) => e.positions.length > 0).length);
  assert.ok(r.stats.idleSteps >= 37);
});

test("caching: a time-conditioned denoiser is called at every step that starts with a MASK", () => {
  const times: number[] = [];
  const den = stateDenoiser(V, true);
  const timed: Denoiser = { ...den, predict: (s, t) => (times.push(t[0]!), den.predict(s, t)) };
  const r = sample(timed, ancestralPolicy(), opts({ length: 3, steps: 40, trace: true, rng: new Rng(4) }));
  const masked = statesFromTrace(r, 3, 40).map((z, k) => (z.includes(MASK) ? k : -1)).filter((k) => k >= 0);
  assert.ok(masked.length > 20, `${masked.length} steps with masks`);
  assert.deepEqual(times, masked.map((k) => gridPoint(k, 40, "uniform").t));
  assert.equal(r.stats.nfeNonCached, masked.length);
  assert.ok(r.stats.idleSteps > 30);
});

test("caching is exact: identical samples and traces with and without it, per-row re-prediction in a batch", () => {
  const cases: [string, Partial<SampleOptions>][] = [
    ["ancestral", { schedule: half }],
    ["confidence-margin", { topP: 0.8, topPVariant: "md4" }],
  ];
  for (const [name, extra] of cases) {
    const run = (cache: boolean) => {
      const rows: number[] = [];
      const den = stateDenoiser(V, false, (s) => rows.push(s.batch));
      const policy = samplerFromName(name, { candidate: "sample", minRevealPerStep: 0 });
      const r = sample(den, policy, opts({ batch: 8, length: 4, steps: 24, cache, trace: true, rng: new Rng(21), ...extra }));
      return { r, rows };
    };
    const on = run(true);
    const off = run(false);
    assert.deepEqual(on.r.tokens, off.r.tokens);
    assert.deepEqual(on.r.trace, off.r.trace);
    assert.equal(off.r.stats.nfe, on.r.stats.nfe);
    assert.ok(off.r.stats.predictedRows >= 8 * 18, `${name}: ${off.r.stats.predictedRows} rows without cache`);
    assert.ok(on.r.stats.predictedRows <= 8 * 5, `${name}: ${on.r.stats.predictedRows} rows with cache`);
    assert.equal(on.rows.reduce((a, x) => a + x, 0), on.r.stats.predictedRows);
    assert.equal(on.rows.length, on.r.stats.nfeNonCached);
    if (name === "ancestral") assert.ok(on.rows.some((n) => n > 1 && n < 8), "sub-batches of only the changed rows");
  }
});

test("a remasking policy (ReMDM-shaped) fits the loop: remasks are traced and invalidate the cache", () => {
  // Step 0 reveals everything, step 1 remasks position 0 of every row, later steps reveal again.
  const remask: SamplerPolicy = {
    name: "remask-test",
    step(ctx: StepContext) {
      const { tokens, layout: { maskId: W } } = ctx;
      if (ctx.step === 1) for (let b = 0; b < ctx.batch; b++) tokens[b * ctx.length] = W;
      else for (let n = 0; n < tokens.length; n++) if (tokens[n] === W) tokens[n] = ctx.summary.top[n]!;
    },
  };
  const seen: string[] = [];
  const den = stateDenoiser(V, false, (s) => seen.push(Array.from(s.tokens).join(",")));
  const r = sample(den, remask, opts({ batch: 2, length: 3, steps: 4, trace: true }));
  assert.deepEqual(Array.from(r.trace![1]!.positions), [0, 3]);
  assert.deepEqual(Array.from(r.trace![1]!.values), [MASK, MASK]);
  assert.equal(r.stats.nfeNonCached, 2); // all-MASK and remasked; MASK-free states need no call
  const v = r.trace![0]!.values;
  assert.deepEqual(seen, [`${MASK},${MASK},${MASK},${MASK},${MASK},${MASK}`, `${MASK},${v[1]},${v[2]},${MASK},${v[4]},${v[5]}`]);
  assert.ok(!r.tokens.includes(MASK));
});
