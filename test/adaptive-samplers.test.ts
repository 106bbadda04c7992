/**
 * Variable-step policies (issue 18): the schedule inverse and the next-reveal clock against closed forms; exact
 * first-hitting against the joint with the true denoiser and its reveal times against their order-statistic law;
 * confidence-threshold and entropy-bounded decoding against their laws enumerated over every trajectory; ReMDM with
 * the threshold rule; the loop's progress check and the per-sequence NFE.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../src/engine/rng.js";
import { scheduleFromName, type Schedule } from "../src/diffusion/schedule.js";
import {
  ancestralPolicy,
  entropyBoundedPolicy,
  firstHittingPolicy,
  nextRevealTime,
  parseSamplerSpec,
  remdmThresholdPolicy,
  sample,
  sequenceNfeSummary,
  thresholdPolicy,
  timeAtMaskProb,
  type SamplerPolicy,
} from "../src/diffusion/samplers/index.js";
import { allSequences, sequenceCounts, functionDenoiser, trueDenoiser, subsProbs, type JointDistribution } from "./helpers/table-denoiser.js";
import { assertFits, assertRejects } from "./helpers/chi-square.js";
import type { Denoiser } from "../src/diffusion/denoiser.js";

const V = 3;
const MASK = V;

/** A random joint over V^L, weights floor + u^power (a larger power makes it peakier). */
function randomJoint(L: number, seed: number, floor = 0.2, power = 3): JointDistribution {
  const rng = new Rng(seed);
  const w = Float64Array.from({ length: V ** L }, () => floor + rng.next() ** power);
  const sum = w.reduce((a, x) => a + x, 0);
  return { V, L, probs: w.map((x) => x / sum) };
}

test("timeAtMaskProb inverts 1 − α for every scalar schedule; nextRevealTime is t·u^{1/m} under the linear one", () => {
  for (const name of ["linear", "poly2", "cosine-md4", "cosine-mdlm", "log-linear", "geometric", "linear+squash"]) {
    const s = scheduleFromName(name);
    for (const t of [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999]) {
      const back = timeAtMaskProb(s, s.maskProb(t));
      assert.ok(Math.abs(back - t) < 1e-9 * Math.max(1, 1 / t) || Math.abs(s.maskProb(back) - s.maskProb(t)) < 1e-15, `${name}: t = ${t} came back as ${back}`);
    }
    assert.equal(timeAtMaskProb(s, 2), 1);
    assert.equal(timeAtMaskProb(s, -1), 0);
  }
  const lin = scheduleFromName("linear");
  for (const [t, m, u] of [[1, 3, 0.5], [0.4, 1, 0.25], [0.9, 7, 0.01]] as const) {
    assert.ok(Math.abs(nextRevealTime(lin, t, m, u) - t * u ** (1 / m)) < 1e-12);
  }
  // poly2: 1 − α = t², so s² = t²·u^{1/m}
  assert.ok(Math.abs(nextRevealTime(scheduleFromName("poly2"), 0.8, 2, 0.36) - 0.8 * 0.36 ** 0.25) < 1e-12);
  assert.throws(() => nextRevealTime(lin, 0.5, 0, 0.5), /positive integer/);
});

test("exact first-hitting with the true denoiser reproduces the joint (and a prompt's conditional); NFE = masked positions", () => {
  const joint = randomJoint(3, 7);
  const d = trueDenoiser(joint);
  const N = 20_000;
  const r = sample(d, firstHittingPolicy(), { batch: N, length: 3, steps: 1, schedule: scheduleFromName("cosine-md4"), rng: new Rng(3) });
  assertFits(sequenceCounts(r.tokens, 3, V), joint.probs, "first-hitting vs joint");
  assert.equal(r.stats.nfe, 3);
  assert.deepEqual(sequenceNfeSummary(r.stats.sequenceNfe), { mean: 3, min: 3, max: 3 });
  // the product of the marginals (what revealing everything at once gives) is rejected by the same counts
  const marg = allSequences(V, 3).map((x) => [0, 1, 2].reduce((p, i) => p * joint.probs.reduce((a, q, n) => a + (allSequences(V, 3)[n]![i] === x[i] ? q : 0), 0), 1));
  assertRejects(sequenceCounts(r.tokens, 3, V), marg, "first-hitting vs product of marginals");
  const prompt = Int32Array.from([MASK, 1, MASK]);
  const c = sample(d, firstHittingPolicy(), { batch: N, length: 3, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(4), prompt });
  const cond = Float64Array.from(allSequences(V, 3), (x, n) => (x[1] === 1 ? joint.probs[n]! : 0));
  const z = cond.reduce((a, p) => a + p, 0);
  assertFits(sequenceCounts(c.tokens, 3, V), cond.map((p) => p / z), "first-hitting, conditional on x1 = 1");
  assert.deepEqual(sequenceNfeSummary(c.stats.sequenceNfe), { mean: 2, min: 2, max: 2 });
});

/** Kolmogorov–Smirnov distance of values in [0, 1] from U(0, 1). */
function ksUniform(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.reduce((d, x, i) => Math.max(d, Math.abs(x - i / s.length), Math.abs(x - (i + 1) / s.length)), 0);
}

test("exact first-hitting: the network sees each reveal time, distributed as the order statistics of i.i.d. times with CDF (1 − α)/(1 − α(1))", () => {
  const schedule = scheduleFromName("cosine-md4");
  const F = (t: number) => schedule.maskProb(t) / schedule.maskProb(1);
  const seen: { m: number; t: number }[] = [];
  const d: Denoiser = functionDenoiser(2, true, (z, t) => {
    seen.push({ m: z.filter((v) => v === 2).length, t });
    return new Float64Array(z.length * 2);
  });
  const N = 4000;
  sample(d, firstHittingPolicy(), { batch: N, length: 3, steps: 1, schedule, rng: new Rng(9), cache: false });
  // per sequence the calls come in order m = 3, 2, 1 (rows of one call are the batch's sequences)
  const byM = (m: number) => seen.filter((x) => x.m === m).map((x) => x.t);
  const [t3, t2, t1] = [byM(3), byM(2), byM(1)];
  assert.equal(t3.length, N);
  const crit = 1.95 / Math.sqrt(N); // KS at the 0.001 level
  const u3 = t3.map((t) => F(t) ** 3);
  const u2 = t2.map((t, b) => (F(t) / F(t3[b]!)) ** 2);
  const u1 = t1.map((t, b) => F(t) / F(t2[b]!));
  for (const [name, u] of [["first", u3], ["second", u2], ["third", u1]] as const) assert.ok(ksUniform(u) < crit, `${name} reveal: KS ${ksUniform(u)}`);
  // the linear schedule's clock under a cosine model is wrong, and the test sees it
  assert.ok(ksUniform(t3.map((t) => t ** 3)) > crit, "times under the wrong schedule should be rejected");
  // the grid clock (BD3-LM's) keeps the loop's grid times
  seen.length = 0;
  sample(d, firstHittingPolicy({ clock: "grid" }), { batch: 2, length: 3, steps: 4, schedule, rng: new Rng(9), cache: false });
  assert.deepEqual([...new Set(seen.map((x) => x.t))], [1, 0.75, 0.5]);
});

/** The exact law over final sequences of a variable-step rule with candidates drawn from μ, enumerating every trajectory. */
function enumeratedLaw(d: Denoiser, L: number, reveal: (mu: Float64Array, masked: number[], cand: number[]) => number[]): Float64Array {
  const law = new Float64Array(V ** L);
  const visit = (z: Int32Array, p: number): void => {
    const masked = [...z.keys()].filter((i) => z[i] === MASK);
    if (masked.length === 0) {
      law[z.reduce((a, v) => a * V + v, 0)] += p;
      return;
    }
    const mu = subsProbs(d.predict({ tokens: z, batch: 1, length: L }, Float64Array.of(1)), { tokens: z, batch: 1, length: L }, V);
    for (let k = 0; k < V ** masked.length; k++) {
      const cand = masked.map((_, j) => Math.floor(k / V ** j) % V);
      const q = masked.reduce((a, i, j) => a * mu[i * V + cand[j]!]!, 1);
      const next = z.slice();
      for (const j of reveal(mu, masked, cand)) next[masked[j]!] = cand[j]!;
      visit(next, p * q);
    }
  };
  visit(new Int32Array(L).fill(MASK), 1);
  return law;
}

/** Indices into `masked` ordered by a confidence (descending, then by position). */
const byConfidence = (conf: number[]) => conf.map((c, j) => ({ c, j })).sort((a, b) => b.c - a.c || a.j - b.j).map((x) => x.j);

test("confidence-threshold (candidates drawn from μ): its law, enumerated over trajectories, for several τ and a cap", () => {
  const joint = randomJoint(3, 11, 0.01, 8);
  const d = trueDenoiser(joint);
  for (const [tau, cap, seed] of [[0.5, 0, 1], [0.3, 2, 2], [1, 0, 3]] as const) {
    const rule = (mu: Float64Array, masked: number[], cand: number[]) => {
      const conf = masked.map((i, j) => mu[i * V + cand[j]!]!);
      const order = byConfidence(conf);
      const out = order.filter((j, r) => r === 0 || conf[j]! >= tau);
      return cap > 0 ? out.slice(0, cap) : out;
    };
    const law = enumeratedLaw(d, 3, rule);
    const r = sample(d, thresholdPolicy({ tau, cap, candidate: "sample" }), { batch: 20_000, length: 3, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(seed) });
    assertFits(sequenceCounts(r.tokens, 3, V), law, `threshold τ = ${tau}, cap ${cap}`);
    const s = sequenceNfeSummary(r.stats.sequenceNfe);
    assert.ok(s.min >= 1 && s.max <= 3 && (tau === 1 ? s.min === 3 : s.mean < 3), `NFE per sequence ${JSON.stringify(s)}`);
  }
  // a low threshold reveals several at once, which the one-at-a-time law (τ = 1) does not fit
  const law1 = enumeratedLaw(d, 3, (mu, masked, cand) => [byConfidence(masked.map((i, j) => mu[i * V + cand[j]!]!))[0]!]);
  const r = sample(d, thresholdPolicy({ tau: 0.2, candidate: "sample" }), { batch: 20_000, length: 3, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(5) });
  assertRejects(sequenceCounts(r.tokens, 3, V), law1, "τ = 0.2 against the τ = 1 law");
});

test("entropy-bounded (candidates drawn from μ): its law, enumerated over trajectories, for several γ", () => {
  const joint = randomJoint(3, 12);
  const d = trueDenoiser(joint);
  const H = (mu: Float64Array, i: number) => -[0, 1, 2].reduce((a, v) => a + (mu[i * V + v]! > 0 ? mu[i * V + v]! * Math.log(mu[i * V + v]!) : 0), 0);
  for (const [gamma, seed] of [[0, 1], [0.8, 2], [5, 3]] as const) {
    const rule = (mu: Float64Array, masked: number[]) => {
      const h = masked.map((i) => H(mu, i));
      const order = byConfidence(h.map((x) => -x));
      const out: number[] = [];
      let sum = 0;
      for (const j of order) {
        if (out.length > 0 && sum + h[j]! - h[j]! > gamma) break; // Σ H of the prefix, less its largest (the newest)
        out.push(j);
        sum += h[j]!;
      }
      return out;
    };
    const law = enumeratedLaw(d, 3, rule);
    const r = sample(d, entropyBoundedPolicy({ gamma, candidate: "sample" }), { batch: 20_000, length: 3, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(seed) });
    assertFits(sequenceCounts(r.tokens, 3, V), law, `entropy-bounded γ = ${gamma}`);
    const s = sequenceNfeSummary(r.stats.sequenceNfe);
    if (gamma === 0) assert.equal(s.min, 3);
    if (gamma === 5) assert.equal(s.max, 1, "a budget above the summed entropy reveals everything in one step");
  }
});

test("remdm-threshold: a forced low-confidence reveal is remasked once confident reveals arrive; never more than |R| − 1 per step", () => {
  // position 0 is uncertain until position 1 is revealed; positions 1..3 are confident
  const d = functionDenoiser(2, false, (z) => {
    const p0 = z[1] === 2 ? 0.5 : 0.95;
    const rows = [p0, 0.6, 0.99, 0.99];
    const out = new Float64Array(8);
    rows.forEach((p, i) => {
      out[2 * i] = Math.log(p);
      out[2 * i + 1] = Math.log(1 - p);
    });
    return out;
  });
  const policy = remdmThresholdPolicy({ tau: 0.9, etaCap: 1 });
  const r = sample(d, policy, { batch: 1, length: 4, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(1), trace: true });
  // step 0 reveals 2, 3 (≥ τ); nothing was forced yet, so nothing is eligible for remasking
  const steps = r.trace!.map((s) => ({ pos: Array.from(s.positions), val: Array.from(s.values) }));
  assert.deepEqual(steps[0], { pos: [2, 3], val: [0, 0] });
  assert.deepEqual(steps[1], { pos: [1], val: [0] }, "no position ≥ τ: the most confident (0.6) is forced");
  assert.deepEqual(steps[2], { pos: [0], val: [0] }, "position 0 is now confident (0.95); one reveal, so no remask budget");
  assert.equal(steps.length, 3);
  // with two confident reveals in a step the forced one (ψ = 0.6 < τ) is remasked at η = 1 and revealed again later
  const d2 = functionDenoiser(2, false, (z) => {
    const known = z.filter((v) => v !== 2).length;
    const rows = known === 0 ? [0.6, 0.5, 0.5, 0.5] : [0.99, 0.95, 0.97, 0.99];
    return Float64Array.from(rows.flatMap((p) => [Math.log(p), Math.log(1 - p)]));
  });
  const r2 = sample(d2, remdmThresholdPolicy({ tau: 0.9, etaCap: 1 }), { batch: 1, length: 4, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(1), trace: true });
  const s2 = r2.trace!.map((s) => ({ pos: Array.from(s.positions), val: Array.from(s.values) }));
  assert.deepEqual(s2[0], { pos: [0], val: [0] });
  assert.deepEqual(s2[1], { pos: [0, 1, 2, 3], val: [2, 0, 0, 0] }, "reveals 1, 2, 3 and remasks 0");
  assert.deepEqual(s2[2], { pos: [0], val: [0] });
  assert.deepEqual(sequenceNfeSummary(r2.stats.sequenceNfe), { mean: 3, min: 3, max: 3 });
  // a sequence that finished while another is still masked is never remasked: at most L steps for L positions
  const d3 = functionDenoiser(2, false, (z) => Float64Array.from(Array.from(z).flatMap(() => [Math.log(0.6), Math.log(0.4)])));
  const prompt = Int32Array.from([2, 2, 2, 2, 0, 0, 0, 2]); // sequence 0 all four masked, sequence 1 one: a prompt of B·L
  const r3 = sample(d3, remdmThresholdPolicy({ tau: 0.5, etaCap: 1 }), { batch: 2, length: 4, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(3), prompt });
  assert.deepEqual(r3.stats.sequenceNfe, [1, 1], "τ = 0.5 < 0.6 reveals everything in one step; nothing is remasked afterwards");
  const r4 = sample(d3, remdmThresholdPolicy({ tau: 0.9, etaCap: 1 }), { batch: 2, length: 4, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(3), prompt });
  assert.equal(r4.stats.nfe, 4, "one forced reveal per step, no budget to remask: four steps for sequence 0's four masks");
  assert.deepEqual(r4.stats.sequenceNfe, [4, 1]);
  // at η = 0 it is confidence-threshold itself
  const a = sample(d2, remdmThresholdPolicy({ tau: 0.9, etaCap: 0 }), { batch: 50, length: 4, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(2) });
  const b = sample(d2, thresholdPolicy({ tau: 0.9 }), { batch: 50, length: 4, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(2) });
  assert.deepEqual(a.tokens, b.tokens);
});

/**
 * The exact law of remdm-threshold (candidates drawn from μ, score = μ of the candidate) and its mean NFE, enumerating
 * every trajectory of the state (tokens, ψ): the threshold reveals R, then each earlier reveal with ψ < τ, lowest ψ
 * first, is remasked with probability η while fewer than |R| − 1 have been.
 */
function remdmThresholdLaw(d: Denoiser, L: number, tau: number, eta: number): { law: Float64Array; nfeLaw: Float64Array } {
  const law = new Float64Array(V ** L);
  const nfeLaw = new Float64Array(L + 1);
  const visit = (z: Int32Array, psi: number[], p: number, steps: number): void => {
    const masked = [...z.keys()].filter((i) => z[i] === MASK);
    if (masked.length === 0) {
      law[z.reduce((a, v) => a * V + v, 0)] += p;
      nfeLaw[steps] += p;
      return;
    }
    const eligible = [...z.keys()].filter((i) => z[i] !== MASK && psi[i]! < tau).sort((x, y) => psi[x]! - psi[y]! || x - y);
    const mu = subsProbs(d.predict({ tokens: z, batch: 1, length: L }, Float64Array.of(1)), { tokens: z, batch: 1, length: L }, V);
    for (let k = 0; k < V ** masked.length; k++) {
      const cand = masked.map((_, j) => Math.floor(k / V ** j) % V);
      const q = masked.reduce((a, i, j) => a * mu[i * V + cand[j]!]!, 1);
      const conf = masked.map((i, j) => mu[i * V + cand[j]!]!);
      const reveals = byConfidence(conf).filter((j, r) => r === 0 || conf[j]! >= tau);
      const next = z.slice();
      const nextPsi = psi.slice();
      for (const j of reveals) {
        next[masked[j]!] = cand[j]!;
        nextPsi[masked[j]!] = conf[j]!;
      }
      // branch over the remasking coin of each eligible position, in order, while budget is left
      const remask = (e: number, budget: number, zz: Int32Array, pp: number[], w: number): void => {
        if (e === eligible.length || budget <= 0) return visit(zz, pp, w, steps + 1);
        const i = eligible[e]!;
        const zr = zz.slice();
        const pr = pp.slice();
        zr[i] = MASK;
        pr[i] = Infinity;
        if (eta > 0) remask(e + 1, budget - 1, zr, pr, w * eta);
        if (eta < 1) remask(e + 1, budget, zz, pp, w * (1 - eta));
      };
      remask(0, reveals.length - 1, next, nextPsi, p * q);
    }
  };
  visit(new Int32Array(L).fill(MASK), new Array<number>(L).fill(Infinity), 1, 0);
  return { law, nfeLaw };
}

test("remdm-threshold (candidates drawn from μ): its law over sequences and NFE, enumerated over trajectories with remasking, for several τ and η", () => {
  // conditionals that belong to no joint, so that revising a reveal changes the law of the result: flat while all is
  // masked (the first reveal is forced, below τ), peaked once a token is known (the rest can be revealed together)
  const rng = new Rng(21);
  const table = Array.from({ length: (V + 1) ** 3 }, (_, key) => {
    const scale = key === (V + 1) ** 3 - 1 ? 0.8 : 6;
    return Float64Array.from({ length: 3 * V }, () => scale * rng.next());
  });
  const d = functionDenoiser(V, false, (z) => table[z.reduce((a, v) => a * (V + 1) + v, 0)]!);
  const N = 20_000;
  let remaskingShows = false;
  for (const [tau, eta, seed] of [[0.5, 0.5, 1], [0.7, 1, 2], [0.35, 0.3, 3]] as const) {
    const { law, nfeLaw } = remdmThresholdLaw(d, 3, tau, eta);
    const r = sample(d, remdmThresholdPolicy({ tau, etaCap: eta, candidate: "sample" }), { batch: N, length: 3, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(seed) });
    const counts = sequenceCounts(r.tokens, 3, V);
    const nfeCounts = new Float64Array(4);
    for (const k of r.stats.sequenceNfe!) nfeCounts[k]! += 1;
    assertFits(counts, law, `remdm-threshold τ = ${tau}, η = ${eta}: sequences`);
    assertFits(nfeCounts, nfeLaw, `remdm-threshold τ = ${tau}, η = ${eta}: NFE per sequence`);
    // the remasking is seen: the η = 0 law (confidence-threshold's) does not fit where it differs enough
    const without = remdmThresholdLaw(d, 3, tau, 0);
    const tv = law.reduce((a, p, i) => a + Math.abs(p - without.law[i]!), 0) / 2;
    if (tv > 0.05) {
      remaskingShows = true;
      assertRejects(counts, without.law, `τ = ${tau}, η = ${eta} against the no-remasking law (TV ${tv.toFixed(3)})`);
    }
  }
  assert.ok(remaskingShows, "at least one setting remasks often enough for the test to tell it from confidence-threshold");
});

test("the loop refuses a variable-step policy that makes no progress (no hang), and counts NFE per sequence for fixed-step policies", () => {
  const d = trueDenoiser(randomJoint(2, 1));
  const idle: SamplerPolicy = { name: "idle", untilDone: true, step: () => undefined };
  assert.throws(() => sample(d, idle, { batch: 2, length: 2, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(1) }), /policy 'idle' left sequence 0 with 2 masked positions at step 0/);
  const r = sample(d, ancestralPolicy(), { batch: 64, length: 2, steps: 8, schedule: scheduleFromName("linear"), rng: new Rng(2), trace: true });
  // per sequence (time-agnostic, cached): one call at the start and one after each step that changed it but left a mask,
  // i.e. as many as the steps that changed it; without the cache, the steps up to its last reveal
  const changedAt = (b: number) => r.trace!.filter((s) => Array.from(s.positions).some((n) => Math.floor(n / 2) === b)).map((s) => s.step);
  for (let b = 0; b < 64; b++) assert.equal(r.stats.sequenceNfe[b], changedAt(b).length, `sequence ${b}`);
  assert.equal(r.stats.sequenceNfe.reduce((a, x) => a + x, 0), r.stats.predictedRows);
  const u = sample(d, ancestralPolicy(), { batch: 64, length: 2, steps: 8, schedule: scheduleFromName("linear"), rng: new Rng(2), cache: false });
  for (let b = 0; b < 64; b++) assert.equal(u.stats.sequenceNfe[b], Math.max(...changedAt(b)) + 1, `sequence ${b}, no cache`);
  const s = sequenceNfeSummary(r.stats.sequenceNfe);
  assert.ok(s.min < s.max && s.max <= 8, JSON.stringify(s));
});

test("specs: the new samplers' keys are validated with clear messages", () => {
  assert.equal(parseSamplerSpec("confidence-threshold:tau=0.5,score=margin,cap=4").name, "confidence-threshold:tau=0.5,score=margin,cap=4");
  assert.equal(parseSamplerSpec("first-hitting:clock=grid").untilDone, undefined);
  assert.equal(parseSamplerSpec("first-hitting").untilDone, true);
  assert.throws(() => parseSamplerSpec("confidence-threshold:tau=1.5"), /tau must be in \[0, 1\], got 1\.5/);
  assert.throws(() => parseSamplerSpec("confidence-threshold:score=entropy"), /score must be one of prob, margin/);
  assert.throws(() => parseSamplerSpec("entropy-bounded:gamma=-1"), /gamma must be a finite number ≥ 0/);
  assert.throws(() => parseSamplerSpec("entropy-bounded:cap=1.5"), /cap must be an integer/);
  assert.throws(() => parseSamplerSpec("remdm-threshold:eta_cap=2"), /eta_cap must be in \[0, 1\]/);
  assert.throws(() => parseSamplerSpec("first-hitting:clock=fast"), /clock must be one of exact, grid/);
  assert.throws(() => parseSamplerSpec("entropy-bounded:tau=0.5"), /takes no option 'tau'/);
  const perClass = { ...scheduleFromName("linear"), perClass: {} } as unknown as Schedule;
  assert.throws(() => sample(trueDenoiser(randomJoint(2, 1)), firstHittingPolicy(), { batch: 1, length: 2, steps: 1, schedule: perClass, rng: new Rng(1) }), /per-class: a clock needs one scalar α/);
});
