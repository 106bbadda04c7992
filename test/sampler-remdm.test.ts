/**
 * ReMDM family and the sampler zoo, deterministic checks: the generic remasking step's probabilities, σ rules
 * (cap, rescale, conf, FB, DFM, loop), the loop schedule, the confidence combinations, block decoding,
 * hyper-parameter validation, names and specs, network-call accounting and T > L.
 * Distributional checks live in sampler-remdm-exact.test.ts.
 */
import { test } from "node:test";
import { stepContext, type StepInput } from "../src/diffusion/samplers/step-context.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import assert from "node:assert/strict";
import { Rng } from "../src/engine/rng.js";
import type { Schedule } from "../src/diffusion/schedule.js";
import { linear, polynomial } from "../src/diffusion/schedules.js";
import {
  ancestralPolicy,
  blockPolicy,
  blockStep,
  confidencePolicy,
  dfmBeta,
  dfmPolicy,
  dfmSigma,
  fbPolicy,
  fbSigma,
  loopPhase,
  loopSchedule,
  parseSamplerSpec,
  planProbabilities,
  remaskProbabilities,
  remaskStep,
  remdmCapConfPolicy,
  remdmCapPolicy,
  remdmConfPolicy,
  remdmLoopPolicy,
  remdmRescalePolicy,
  RevealScores,
  sample,
  samplerFromName,
  samplerNames,
  samplerOptionKeys,
  samplerOptionsFromSpec,
  sigmaMax,
  splitSamplerSpec,
  spreadByConfidence,
  type RemaskingPolicy,
  type SampleOptions,
  type SamplerPolicy,
  type StepContext,
} from "../src/diffusion/samplers/index.js";
import { functionDenoiser, stateDenoiser } from "./helpers/table-denoiser.js";

const V = 3;
const MASK = V;
const lin = linear();


/** A step context over one flat state (batch B), μ uniform at masked positions and one-hot at revealed ones. */
function ctxOf(tokens: number[], t: number, s: number, extra: Partial<StepInput> = {}): StepContext {
  const B = extra.batch ?? 1;
  const probs = new Float64Array(tokens.length * V);
  tokens.forEach((x, n) => (x === MASK ? probs.fill(1 / V, n * V, n * V + V) : (probs[n * V + x] = 1)));
  return stepContext({ batch: B, length: tokens.length / B, layout: tokenLayout(V), steps: 10, fixed: null, tokens: Int32Array.from(tokens), step: 0, t, s, schedule: lin, probs, rng: new Rng(0), ...extra });
}

const near = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol;
const closeAll = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(near(a[i]!, b[i]!, tol), `at ${i}: ${a[i]} vs ${b[i]} (${Array.from(a)} vs ${Array.from(b)})`);
};

// ---------- the generic step ----------

test("σ_max = min(1, (1 − α(s))/α(t)), 1 when α(t) = 0", () => {
  assert.equal(sigmaMax(0, 0.9), 1);
  assert.ok(near(sigmaMax(0.5, 0.4), 0.8));
  assert.equal(sigmaMax(0.2, 0.7), 1);
  assert.equal(sigmaMax(0.9, 0), 0);
});

test("remask probabilities: σ (clamped) at revealed, §4.1 reveal probability at masked, 0 at prompt positions", () => {
  const ctx = ctxOf([1, MASK, 2, MASK], 0.5, 0.4); // α(t) = 0.5, α(s) = 0.6, σ_max = 0.8
  closeAll(remaskProbabilities(ctx, 0.3), [0.3, (0.6 - 0.7 * 0.5) / 0.5, 0.3, (0.6 - 0.7 * 0.5) / 0.5]);
  closeAll(remaskProbabilities(ctx, Float64Array.from([0.9, 0.9, 0.1, 0])), [0.8, 1, 0.1, 0.2]);
  closeAll(remaskProbabilities({ ...ctx, fixed: Uint8Array.from([1, 0, 0, 0]) }, 0.3), [0, 0.5, 0.3, 0.5]);
  const first = ctxOf([MASK, MASK], 1, 0.9); // α(t) = 0: reveal with probability α(s) whatever σ
  closeAll(remaskProbabilities(first, 0.7), [0.1, 0.1]);
  assert.throws(() => remaskProbabilities(ctx, -0.1), /σ must be a finite number ≥ 0, got -0.1/);
  assert.throws(() => remaskProbabilities(ctx, NaN), /σ must be/);
  assert.throws(() => remaskProbabilities(ctx, new Float64Array(3)), /σ has 3 entries, expected B·L = 4/);
});

test("remaskStep with σ = 0 is the ancestral step draw for draw (same tokens, same stream position)", () => {
  const schedule = polynomial(2);
  for (let seed = 0; seed < 50; seed++) {
    const init = Array.from({ length: 12 }, (_, n) => ((n * 7 + seed) % 3 === 0 ? n % V : MASK));
    const den = stateDenoiser(V);
    const a = ctxOf(init, 0.7, 0.45, { batch: 3, schedule, rng: new Rng(seed) });
    const probs = Float64Array.from(den.predict({ tokens: a.tokens, batch: 3, length: 4 }, new Float64Array(3)), Math.exp);
    for (let n = 0; n < 12; n++) {
      const sum = probs[n * V]! + probs[n * V + 1]! + probs[n * V + 2]!;
      for (let v = 0; v < V; v++) probs[n * V + v]! /= sum;
    }
    const b = ctxOf(init, 0.7, 0.45, { batch: 3, schedule, probs, rng: new Rng(seed) });
    const c = ctxOf(init, 0.7, 0.45, { batch: 3, schedule, probs, rng: new Rng(seed) });
    ancestralPolicy().step(b);
    remaskStep(c, 0);
    assert.deepEqual(c.tokens, b.tokens);
    for (let q = 0; q < 3; q++) assert.equal(c.uniform(4 * q), b.uniform(4 * q)); // every sequence's stream at the same place
  }
});

// ---------- σ rules ----------

test("cap, rescale: σ = min(η_cap, σ_max) and η_rescale·σ_max at several t", () => {
  for (const [t, s] of [[0.9, 0.8], [0.5, 0.4], [0.2, 0.19], [0.05, 0]]) {
    const ctx = ctxOf([1, MASK], t!, s!);
    const max = Math.min(1, s! / (1 - t!));
    assert.ok(near(remdmCapPolicy({ etaCap: 0.3 }).plan(ctx).sigma as number, Math.min(0.3, max)));
    assert.ok(near(remdmRescalePolicy({ etaRescale: 0.4 }).plan(ctx).sigma as number, 0.4 * max));
  }
});

test("FB and DFM σ match §4.6: (α(s) − α(t))/α(t) and β_t·(α(s) − α(t))/α(t), β_t = 10·t^{1/4}(1 − t)^{1/4}", () => {
  for (const [t, s] of [[0.9, 0.8], [0.5, 0.45], [0.3, 0.25], [0.1, 0.05], [0.01, 0]]) {
    const [at, as] = [1 - t!, 1 - s!];
    const beta = 10 * t! ** 0.25 * (1 - t!) ** 0.25;
    assert.ok(near(dfmBeta(t!), beta));
    assert.ok(near(fbSigma(at, t!, s!), (as - at) / at));
    assert.ok(near(dfmSigma(at, t!, s!), (beta * (as - at)) / at));
    const ctx = ctxOf([1, MASK], t!, s!);
    assert.ok(near(fbPolicy().plan(ctx).sigma as number, (as - at) / at));
    assert.ok(near(dfmPolicy().plan(ctx).sigma as number, (beta * (as - at)) / at));
    // after clamping the revealed position's remask probability never exceeds σ_max
    assert.ok(planProbabilities(dfmPolicy(), ctx)[0]! <= Math.min(1, s! / at) + 1e-15);
  }
  assert.equal(fbSigma(0, 1, 0.9), 1);
  assert.equal(dfmSigma(0, 1, 0.9), 0);
  // with a non-linear schedule "t" in β is the masking probability
  const poly = polynomial(2);
  const ctx = ctxOf([1, MASK], 0.6, 0.5, { schedule: poly });
  assert.ok(near(dfmPolicy().plan(ctx).sigma as number, (dfmBeta(0.36) * (0.36 - 0.25)) / 0.64));
});

// ---------- the loop ----------

test("loop schedule on a linear base is §4.5 exactly: α_on(1 − t)/(1 − t_on), α_on, 1 − t(1 − α_on)/t_off", () => {
  const o = { tOn: 0.55, tOff: 0.05, alphaOn: 0.9 };
  const sched = loopSchedule(lin, o);
  for (let j = 0; j <= 1000; j++) {
    const t = j / 1000;
    const want = t > 0.55 ? (0.9 * (1 - t)) / 0.45 : t > 0.05 ? 0.9 : 1 - (t * 0.1) / 0.05;
    assert.ok(near(sched.alpha(t), want), `α(${t}) = ${sched.alpha(t)} vs ${want}`);
    assert.ok(near(sched.alpha(t) + sched.maskProb(t), 1));
    if (t > 0 && t < 1 && Math.abs(t - 0.55) > 2e-3 && Math.abs(t - 0.05) > 2e-3) {
      const fd = (sched.alpha(t + 1e-6) - sched.alpha(t - 1e-6)) / 2e-6;
      assert.ok(near(sched.alphaPrime(t), fd, 1e-6), `α′(${t}) = ${sched.alphaPrime(t)} vs ${fd}`);
      assert.ok(near(sched.weight(t), -sched.alphaPrime(t) / sched.maskProb(t)));
    }
  }
  assert.equal(sched.alpha(1), 0);
  assert.equal(sched.alpha(0), 1);
  assert.deepEqual([0.56, 0.55, 0.3, 0.05, 0.01].map((t) => loopPhase(t, o)), [1, 2, 2, 3, 3]);
});

test("loop schedule on another base keeps the plateau and the exact ends, continuous at t_on and t_off", () => {
  const o = { tOn: 0.7, tOff: 0.2, alphaOn: 0.8 };
  for (const base of [polynomial(2), polynomial(0.5)]) {
    const sched = loopSchedule(base, o);
    assert.equal(sched.alpha(1), 0);
    assert.equal(sched.alpha(0), 1);
    for (const t of [0.7, 0.5, 0.2000001]) assert.equal(sched.alpha(t), 0.8);
    assert.ok(near(sched.alpha(0.7 + 1e-12), 0.8, 1e-5) && near(sched.alpha(0.2 - 1e-12), 0.8, 1e-5), base.name);
    for (let j = 0; j < 100; j++) assert.ok(sched.alpha(j / 100) >= sched.alpha((j + 1) / 100), "α is non-increasing");
  }
  const t0 = loopSchedule(lin, { tOn: 1, tOff: 0, alphaOn: 0.5 });
  assert.equal(t0.alpha(1), 0.5);
  assert.equal(t0.alpha(0), 1);
});

test("loop σ follows the phase of t; a straddling step evaluates α(t) and α(s) each in its own phase", () => {
  const loop = remdmLoopPolicy({ eta: 0.05 });
  const sig = (t: number, s: number) => loop.plan(ctxOf([1, MASK], t, s)).sigma;
  assert.equal(sig(0.8, 0.7), 0);
  assert.equal(sig(0.6, 0.5), 0); // straddles t_on: phase of t = 1
  assert.equal(sig(0.55, 0.5), 0.05);
  assert.equal(sig(0.06, 0.03), 0.05); // straddles t_off: phase of t = 2
  assert.equal(sig(0.05, 0.02), 0);
  // t = 0.6 → s = 0.5: α(t) = 0.9·0.4/0.45 = 0.8, α(s) = α_on = 0.9 (not the phase-1 formula's 1.0)
  const q = planProbabilities(loop, ctxOf([1, MASK], 0.6, 0.5));
  assert.ok(near(q[1]!, (0.9 - 0.8) / (1 - 0.8)));
  // phase 2: remask η, reveal η·α_on/(1 − α_on)
  closeAll(planProbabilities(loop, ctxOf([1, MASK], 0.5, 0.45)), [0.05, (0.05 * 0.9) / 0.1]);
});

// ---------- confidence and the combinations ----------

test("ψ bookkeeping: μ of the sampled token on reveal, +∞ on remask; η_conf = softmax(−ψ) over revealed non-prompt positions", () => {
  const scores = new RevealScores();
  scores.reset(4);
  const after = ctxOf([2, MASK, 2, MASK], 0.5, 0.4);
  const summary = { ...after.summary, candidate: Int32Array.from([2, 1, 2, 0]), candidateProb: Float64Array.from([0.3, 1, 0.8, 0.6]) };
  scores.record(Int32Array.from([MASK, 1, MASK, MASK]), { ...after, summary });
  assert.deepEqual(Array.from(scores.psi), [0.3, Infinity, 0.8, Infinity]);
  const ctx = ctxOf([2, MASK, 2, 0], 0.5, 0.4, { fixed: Uint8Array.from([0, 0, 0, 1]) });
  const w = new Float64Array(4);
  assert.equal(scores.weights(ctx, 0, w), 2);
  const [a, b] = [Math.exp(-0.3), Math.exp(-0.8)];
  closeAll(w, [a / (a + b), 0, b / (a + b), 0]);
  scores.reset(4);
  assert.equal(scores.weights(ctx, 0, w), 2);
  closeAll(w, [0, 0, 0, 0]); // no ψ known: nobody is remasked
});

test("ψ inside a run: every revealed token ends with ψ = μ of its value; remasks happened on the way", () => {
  const rows = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3], [0.25, 0.25, 0.5], [0.1, 0.7, 0.2]];
  const den = functionDenoiser(V, false, (z) => Float64Array.from(Array.from(z).flatMap((_, i) => rows[i]!.map(Math.log))));
  const scores = new RevealScores();
  const r = sample(den, remdmConfPolicy({ scores }), { batch: 8, length: 4, steps: 16, schedule: lin, rng: new Rng(3), trace: true });
  assert.ok(r.trace!.some((e) => Array.from(e.values).includes(MASK)), "conf remasks");
  for (let n = 0; n < 32; n++) {
    const v = r.tokens[n]!;
    const finalFill = r.trace!.at(-1)!.step === 16 && Array.from(r.trace!.at(-1)!.positions).includes(n);
    if (!finalFill) assert.ok(near(scores.psi[n]!, rows[n % 4]![v]!), `ψ at ${n}`);
  }
});

test("combinations: same reveal probabilities and expected remask count as the uncombined strategy, lower confidence remasked more", () => {
  const tokens = [1, MASK, 2, 0, MASK, 1];
  const psi = [0.9, Infinity, 0.2, 0.5, Infinity, 0.7];
  const cases: [string, RemaskingPolicy, RemaskingPolicy, RevealScores, number, number][] = [];
  const capScores = new RevealScores();
  cases.push(["cap+conf", remdmCapConfPolicy({ etaCap: 0.05, scores: capScores }), remdmCapPolicy({ etaCap: 0.05 }), capScores, 0.5, 0.4]);
  const loopScores = new RevealScores();
  cases.push(["loop+conf", remdmLoopPolicy({ eta: 0.02, conf: true, scores: loopScores }), remdmLoopPolicy({ eta: 0.02 }), loopScores, 0.5, 0.45]);
  for (const [label, combined, plain, scores, t, s] of cases) {
    scores.reset(6);
    scores.psi.set(psi);
    const ctx = ctxOf(tokens, t, s);
    const qc = planProbabilities(combined, ctx);
    const qp = planProbabilities(plain, ctx);
    for (const n of [1, 4]) assert.equal(qc[n], qp[n], `${label}: reveal probability at ${n}`);
    const sumC = [0, 2, 3, 5].reduce((a, n) => a + qc[n]!, 0);
    const sumP = [0, 2, 3, 5].reduce((a, n) => a + qp[n]!, 0);
    assert.ok(near(sumC, sumP), `${label}: expected remasks ${sumC} vs ${sumP}`);
    const byPsi = [0, 2, 3, 5].sort((a, b) => psi[a]! - psi[b]!);
    for (let j = 1; j < byPsi.length; j++) assert.ok(qc[byPsi[j - 1]!]! > qc[byPsi[j]!]!, `${label}: lower ψ, higher remask probability`);
  }
  // clipping at σ_max: a single very unsure token cannot be remasked beyond σ_max
  const scores = new RevealScores();
  scores.reset(3);
  scores.psi.set([0.01, 0.99, 0.99]);
  const clipped = spreadByConfidence(ctxOf([1, 1, 1], 0.5, 0.4), scores, 0.5, 0.6);
  assert.equal(clipped[0], 0.6);
  // the others keep their unclipped share base·R·η_conf^i, η_conf = softmax(−ψ) (computed here by hand)
  const Z = Math.exp(-0.01) + 2 * Math.exp(-0.99);
  for (const n of [1, 2]) assert.ok(near(clipped[n]!, (0.5 * 3 * Math.exp(-0.99)) / Z), `σ at ${n}: ${clipped[n]}`);
  assert.ok(0.5 * 3 * Math.exp(-0.01) / Z > 0.6, "position 0 is indeed over σ_max before clipping");
});

// ---------- block decoding ----------

test("block layout: ⌈L/block⌉ blocks, the last one shorter, T shared out with the extra steps first", () => {
  const layout = (T: number, L: number, block: number) => Array.from({ length: T }, (_, k) => {
    const b = blockStep(k, T, L, block);
    return `${b.start}+${b.len}:${b.kl}/${b.Tj}`;
  });
  assert.deepEqual(layout(7, 5, 2), ["0+2:0/3", "0+2:1/3", "0+2:2/3", "2+2:0/2", "2+2:1/2", "4+1:0/2", "4+1:1/2"]);
  assert.deepEqual(layout(2, 4, 8), ["0+4:0/2", "0+4:1/2"]);
  assert.throws(() => blockStep(0, 2, 5, 2), /T = 2 steps cannot cover 3 blocks of 2 positions \(L = 5\); need T ≥ 3/);
  assert.throws(() => blockPolicy(ancestralPolicy(), { block: 0 }), /block must be a positive integer, got 0/);
  assert.throws(() => blockPolicy(ancestralPolicy(), { block: 2.5 }), /got 2.5/);
  const den = stateDenoiser(V);
  assert.throws(() => sample(den, blockPolicy(ancestralPolicy(), { block: 1 }), { batch: 1, length: 3, steps: 2, schedule: lin, rng: new Rng(0) }), /need T ≥ 3/);
});

test("block decoding: only the current block changes; earlier blocks stay fixed, later ones masked", () => {
  for (const inner of [ancestralPolicy(), confidencePolicy({ candidate: "sample" })]) {
    const L = 7;
    const T = 9; // blocks [0,3) [3,6) [6,7) with 3 steps each
    const prompt = Int32Array.from([MASK, 1, MASK, MASK, MASK, MASK, MASK]);
    const r = sample(stateDenoiser(V), blockPolicy(inner, { block: 3 }), { batch: 5, length: L, steps: T, schedule: lin, rng: new Rng(9), trace: true, prompt });
    assert.ok(!r.tokens.includes(MASK));
    const z = Int32Array.from({ length: 5 * L }, (_, n) => prompt[n % L]!);
    for (const e of r.trace!.slice(0, T)) {
      const { start, len } = blockStep(e.step, T, L, 3);
      for (const n of e.positions) assert.ok(n % L >= start && n % L < start + len, `step ${e.step} changed ${n % L} outside [${start}, ${start + len})`);
      e.positions.forEach((n, j) => (z[n] = e.values[j]!));
      const { kl, Tj } = blockStep(e.step, T, L, 3);
      for (let n = 0; n < z.length; n++) {
        if (n % L >= start + len) assert.equal(z[n], MASK, "later blocks stay masked");
        if (kl === Tj - 1 && n % L < start + len) assert.notEqual(z[n], MASK, `block ending at step ${e.step} is complete`);
      }
    }
    assert.equal(r.trace!.length, T, "no final fill needed");
  }
});

test("block = L is the inner policy itself, token for token", () => {
  const opts = { batch: 6, length: 5, steps: 7, schedule: lin, rng: new Rng(2) };
  const a = sample(stateDenoiser(V), ancestralPolicy(), { ...opts, rng: new Rng(2) });
  const b = sample(stateDenoiser(V), blockPolicy(ancestralPolicy(), { block: 5 }), { ...opts, rng: new Rng(2) });
  assert.deepEqual(b.tokens, a.tokens);
  const c = sample(stateDenoiser(V), blockPolicy(ancestralPolicy(), { block: 2 }), { ...opts, rng: new Rng(2) });
  assert.notDeepEqual(c.tokens, a.tokens);
});

// ---------- σ = 0 reproduces ancestral ----------

test("σ = 0 reproduces the ancestral sampler exactly (same seed, same tokens and traces)", () => {
  const opts = (schedule: Schedule): SampleOptions => ({ batch: 16, length: 5, steps: 12, schedule, rng: new Rng(5), trace: true });
  const base = sample(stateDenoiser(V), ancestralPolicy(), opts(lin));
  for (const p of [remdmCapPolicy({ etaCap: 0 }), remdmRescalePolicy({ etaRescale: 0 }), remdmCapConfPolicy({ etaCap: 0 })]) {
    const r = sample(stateDenoiser(V), p, opts(lin));
    assert.deepEqual(r.tokens, base.tokens, p.name);
    assert.deepEqual(r.trace, base.trace, p.name);
  }
  const shape = { tOn: 0.55, tOff: 0.05, alphaOn: 0.9 };
  const viaLoop = sample(stateDenoiser(V), remdmLoopPolicy({ ...shape, eta: 0 }), opts(lin));
  const viaSchedule = sample(stateDenoiser(V), ancestralPolicy(), opts(loopSchedule(lin, shape)));
  assert.deepEqual(viaLoop.tokens, viaSchedule.tokens);
  assert.deepEqual(viaLoop.trace, viaSchedule.trace);
  assert.notDeepEqual(sample(stateDenoiser(V), remdmCapPolicy({ etaCap: 0.5 }), opts(lin)).tokens, base.tokens);
});

// ---------- network calls, T > L, prompts ----------

test("remasking adds no network calls: nfe as ancestral at equal T, and without caching one call per step that starts with a MASK", () => {
  const T = 12;
  // fixed-step samplers only: a variable-step one runs as many steps as it needs (adaptive-samplers.test.ts)
  for (const name of samplerNames.filter((n) => !samplerFromName(n).untilDone)) {
    const policy = samplerFromName(name, { block: 2 });
    const starts: boolean[] = [];
    const spy: SamplerPolicy = { name, begin: (c) => policy.begin?.(c), step: (c) => (starts.push(c.tokens.includes(MASK)), policy.step(c)) };
    let calls = 0;
    const den = stateDenoiser(V, true, () => calls++);
    const r = sample(den, spy, { batch: 4, length: 3, steps: T, schedule: lin, rng: new Rng(1) });
    const anc = sample(stateDenoiser(V, true), ancestralPolicy(), { batch: 4, length: 3, steps: T, schedule: lin, rng: new Rng(1) });
    assert.equal(r.stats.nfe, anc.stats.nfe, name);
    assert.equal(r.stats.nfe, T, name);
    assert.equal(calls, r.stats.nfeNonCached, name);
    assert.equal(calls, starts.filter(Boolean).length, `${name}: one call per step starting with a MASK, none more`);
    const cached = sample(stateDenoiser(V, false), samplerFromName(name, { block: 2 }), { batch: 4, length: 3, steps: T, schedule: lin, rng: new Rng(1) });
    assert.ok(cached.stats.nfeNonCached <= calls, `${name}: caching only removes calls`);
  }
});

test("T > L runs for every policy and leaves no MASK (T = 4L and T = 40 on L = 3)", () => {
  for (const name of samplerNames) {
    for (const T of [12, 40]) {
      const r = sample(stateDenoiser(V), samplerFromName(name, { block: 2 }), { batch: 8, length: 3, steps: T, schedule: lin, rng: new Rng(T) });
      assert.ok(!r.tokens.includes(MASK), `${name} T=${T}`);
      if (samplerFromName(name).untilDone) assert.ok(r.stats.nfe >= 1 && r.stats.nfe <= 3, `${name}: variable steps, at most one per position`);
      else assert.equal(r.stats.nfe, T, `${name} T=${T}: no final fill needed`);
    }
  }
});

test("ReMDM policies never remask prompt positions", () => {
  const prompt = Int32Array.from([MASK, 2, MASK, 0, MASK]);
  for (const name of samplerNames.filter((n) => n.startsWith("remdm") || n === "fb" || n === "dfm")) {
    const r = sample(stateDenoiser(V), samplerFromName(name, { etaCap: 0.5, etaRescale: 0.5, eta: 0.1 }), { batch: 6, length: 5, steps: 30, schedule: lin, rng: new Rng(4), prompt, trace: true });
    for (let n = 0; n < 30; n++) if (prompt[n % 5] !== MASK) assert.equal(r.tokens[n], prompt[n % 5], name);
  }
});

// ---------- validation, names, specs ----------

test("hyper-parameter validation: what, which value, expected range", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => remdmCapPolicy({ etaCap: 1.5 }), /remdm-cap: eta_cap must be in \[0, 1\], got 1.5/],
    [() => remdmCapPolicy({ etaCap: -0.1 }), /eta_cap must be in \[0, 1\], got -0.1/],
    [() => remdmCapConfPolicy({ etaCap: NaN }), /remdm-cap-conf: eta_cap must be in \[0, 1\], got NaN/],
    [() => remdmRescalePolicy({ etaRescale: 2 }), /remdm-rescale: eta_rescale must be in \[0, 1\], got 2/],
    [() => remdmLoopPolicy({ eta: -1 }), /remdm-loop: eta must be in \[0, \(1 − alpha_on\)\/alpha_on\] = \[0, 0.111\d*\] for alpha_on = 0.9, got -1/],
    [() => remdmLoopPolicy({ eta: 0.2 }), /eta must be in .* got 0.2/],
    [() => remdmLoopPolicy({ alphaOn: 1 }), /alpha_on must be in \(0, 1\), got 1/],
    [() => remdmLoopPolicy({ alphaOn: 0 }), /alpha_on must be in \(0, 1\), got 0/],
    [() => remdmLoopPolicy({ tOn: 1.2 }), /t_on must be in \(0, 1\], got 1.2/],
    [() => remdmLoopPolicy({ tOff: -0.1 }), /t_off must be in \[0, 1\], got -0.1/],
    [() => remdmLoopPolicy({ tOn: 0.3, tOff: 0.3 }), /need t_off < t_on, got t_off = 0.3 ≥ t_on = 0.3/],
    [() => remdmLoopPolicy({ conf: true, tOn: 0.1, tOff: 0.5 }), /remdm-loop-conf: need t_off < t_on/],
  ];
  for (const [f, pattern] of cases) assert.throws(f, pattern);
  assert.doesNotThrow(() => remdmLoopPolicy({ eta: 0.5, alphaOn: 0.5, conf: true }));
  assert.doesNotThrow(() => remdmLoopPolicy({ eta: 1 / 9, alphaOn: 0.9 }));
  assert.doesNotThrow(() => remdmLoopPolicy({ tOn: 1, tOff: 0 }));
});

test("samplerFromName: every name builds, canonical names fold in non-default options, unknown names list the valid ones", () => {
  for (const name of samplerNames) assert.equal(samplerFromName(name).name, name);
  for (const old of ["ancestral", "confidence-prob", "confidence-margin", "confidence-entropy"]) assert.ok(samplerNames.includes(old as never));
  assert.equal(samplerFromName("remdm-loop", { eta: 0.05, tOn: 0.55, alphaOn: 0.8 }).name, "remdm-loop:eta=0.05,alpha_on=0.8");
  assert.equal(samplerFromName("block-confidence-prob", { block: 4, temperature: 0.5, etaCap: 0.3 }).name, "block-confidence-prob:block=4,temperature=0.5");
  assert.equal(samplerFromName("remdm-cap", { etaCap: 0.008 }).name, "remdm-cap");
  assert.throws(() => samplerFromName("remdm"), (e: Error) => samplerNames.every((n) => e.message.includes(n)));
  assert.deepEqual(samplerOptionKeys("remdm-loop-conf"), ["eta", "t_on", "t_off", "alpha_on", "compat"]);
  assert.deepEqual(samplerOptionKeys("fb"), ["compat"]);
  assert.deepEqual(samplerOptionKeys("dfm"), []);
  assert.equal(samplerFromName("fb", { compat: "official" }).name, "fb:compat=official");
  assert.equal(samplerFromName("fb", { compat: "ours" }).name, "fb");
  assert.deepEqual(samplerOptionKeys("ancestral"), []);
});

test("parseSamplerSpec: names, key=value options with the §4.4 defaults, round trip through the canonical name", () => {
  assert.deepEqual(samplerOptionsFromSpec("remdm-loop"), { name: "remdm-loop", options: {} });
  assert.deepEqual(samplerOptionsFromSpec(" remdm-loop : eta=0.01 , t_on=0.6,t_off=0,alpha_on=0.8 "), {
    name: "remdm-loop",
    options: { eta: 0.01, tOn: 0.6, tOff: 0, alphaOn: 0.8 },
  });
  assert.deepEqual(samplerOptionsFromSpec("block-confidence-margin:block=4,candidate=sample,anneal=false,reveal=cosine,min_reveal=0").options, {
    block: 4,
    candidate: "sample",
    annealTemperature: false,
    reveal: "cosine",
    minRevealPerStep: 0,
  });
  for (const spec of ["remdm-cap:eta_cap=0.02", "remdm-rescale:eta_rescale=0.1", "remdm-loop-conf:eta=0.05,t_off=0.1", "block-ancestral:block=8", "confidence-prob:temperature=0.3", "fb", "dfm", "remdm-conf"]) {
    const p = parseSamplerSpec(spec);
    assert.equal(p.name, spec);
    assert.equal(parseSamplerSpec(p.name).name, spec);
  }
  assert.equal(parseSamplerSpec("remdm-cap:eta_cap=0.008").name, "remdm-cap");
  // defaults (§4.4) as seen through the plans
  const ctx = ctxOf([1, MASK], 0.5, 0.45);
  assert.equal(parseSamplerSpec("remdm-cap").name, "remdm-cap");
  assert.equal((remdmCapPolicy().plan(ctxOf([1, MASK], 0.5, 0.4)).sigma as number), 0.008);
  assert.ok(near(remdmRescalePolicy().plan(ctxOf([1, MASK], 0.5, 0.4)).sigma as number, 0.015 * 0.8));
  assert.equal(remdmLoopPolicy().plan(ctx).sigma, 0.02);
  assert.equal(remdmLoopPolicy().plan(ctxOf([1, MASK], 0.56, 0.5)).sigma, 0);
  assert.equal(remdmLoopPolicy().plan(ctxOf([1, MASK], 0.051, 0.04)).sigma, 0.02);
  assert.equal(remdmLoopPolicy().plan(ctx).schedule.alpha(0.3), 0.9);
  assert.deepEqual(splitSamplerSpec("a:b=1,c=x"), { name: "a", params: [["b", "1"], ["c", "x"]] });
});

test("parseSamplerSpec errors say what is wrong with which spec", () => {
  const cases: [string, RegExp][] = [
    ["", /missing sampler name/],
    [":eta=1", /missing sampler name/],
    ["remdm", /sampler spec 'remdm': unknown sampler 'remdm'; valid: ancestral, .*remdm-loop-conf/],
    ["remdm-cap:eta=0.1", /sampler 'remdm-cap' takes no option 'eta'; its options: eta_cap/],
    ["ancestral:block=2", /sampler 'ancestral' takes no option 'block'; its options: none/],
    ["remdm-loop:speed=2", /takes no option 'speed'; its options: eta, t_on, t_off, alpha_on/],
    ["remdm-cap:eta_cap", /expected key=value, got 'eta_cap'/],
    ["remdm-cap:eta_cap=0.1,", /expected key=value, got ''/],
    ["remdm-cap:eta_cap=abc", /eta_cap must be a number, got 'abc'/],
    ["remdm-cap:eta_cap=", /eta_cap must be a number, got ''/],
    ["remdm-cap:eta_cap=0.1,eta_cap=0.2", /option 'eta_cap' is given twice/],
    ["remdm-cap:eta_cap=3", /sampler spec 'remdm-cap:eta_cap=3': remdm-cap: eta_cap must be in \[0, 1\], got 3/],
    ["remdm-loop:eta=0.5", /eta must be in \[0, \(1 − alpha_on\)\/alpha_on\]/],
    ["block-ancestral:block=2.5", /block must be an integer, got '2.5'/],
    ["block-ancestral:block=0", /block must be a positive integer, got 0/],
    ["confidence-prob:candidate=best", /candidate must be one of greedy, sample, got 'best'/],
    ["confidence-prob:anneal=yes", /anneal must be true or false, got 'yes'/],
    ["confidence-prob:temperature=-1", /temperature must be ≥ 0, got -1/],
  ];
  for (const [spec, pattern] of cases) assert.throws(() => parseSamplerSpec(spec), pattern, spec);
});
