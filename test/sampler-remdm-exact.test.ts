/**
 * ReMDM family, distributional checks (V = 3, L = 3). One-step transitions of every policy from fixed states
 * are compared with closed forms written out here (chi-square at the 0.999 quantile on seeded draws, and a
 * wrong law must be rejected); the one-step marginals under the true denoiser are computed exactly by
 * enumerating q(z_t | x) and the policies' own transition probabilities; end-to-end runs are compared with the
 * exact law of the whole sampler (its Markov chain, enumerated) and, at large T, with the joint itself.
 */
import { test } from "node:test";
import { stepContext } from "../src/diffusion/samplers/step-context.js";
import { repeatedStep } from "./helpers/repeated-step.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import assert from "node:assert/strict";
import { Rng } from "../src/engine/rng.js";
import type { Schedule } from "../src/diffusion/schedule.js";
import { linear } from "../src/diffusion/schedules.js";
import { subsProbs } from "./helpers/table-denoiser.js";
import type { Denoiser } from "../src/diffusion/denoiser.js";
import {
  ancestralPolicy,
  blockPolicy,
  dfmPolicy,
  fbPolicy,
  gridPoint,
  loopSchedule,
  planProbabilities,
  remdmCapConfPolicy,
  remdmCapPolicy,
  remdmConfPolicy,
  remdmLoopPolicy,
  remdmRescalePolicy,
  RevealScores,
  sample,
  type RemaskingPolicy,
  type SamplerPolicy,
  type StepContext,
} from "../src/diffusion/samplers/index.js";
import { allSequences, trueDenoiser, type JointDistribution } from "./helpers/table-denoiser.js";
import { assertFits, assertRejects, chiSquare, chiSquareCritical } from "./helpers/chi-square.js";

const V = 3;
const MASK = V;
const L = 3;
const lin = linear();

// ---------- states, μ, closed forms ----------

const stateIndex = (z: ArrayLike<number>): number => Array.from(z).reduce((a, x) => a * (V + 1) + x, 0);
const stateOf = (n: number): number[] => [Math.floor(n / 16), Math.floor(n / 4) % 4, n % 4];

/** μ [L·V] through SUBS from per-position probability rows. */
function muFor(z: ArrayLike<number>, rows: number[][]): Float64Array {
  const logits = Float64Array.from(rows.flatMap((r) => r.map(Math.log)));
  return subsProbs(logits, { tokens: Int32Array.from(z), batch: 1, length: z.length }, V);
}

/** §4.1 reveal probability in α form: (α(s) − (1 − σ)α(t))/(1 − α(t)). */
const reveal = (at: number, as: number, sigma: number): number => (as - (1 - sigma) * at) / (1 - at);

/**
 * Law over {0..V}^L of one independent-per-position step from z: a revealed position is remasked with
 * probability q[i], a masked one revealed with probability q[i] to a draw from mu[i].
 */
function lawOf(z: number[], q: number[], mu: number[][]): Float64Array {
  const law = new Float64Array((V + 1) ** L);
  for (let n = 0; n < law.length; n++) {
    law[n] = stateOf(n).reduce((acc, x, i) => {
      if (z[i] !== MASK) return acc * (x === z[i] ? 1 - q[i]! : x === MASK ? q[i]! : 0);
      return acc * (x === MASK ? 1 - q[i]! : q[i]! * mu[i]![x]!);
    }, 1);
  }
  return law;
}

/** Two sequences of a batch: some revealed, some masked positions. */
const Z = [[1, MASK, 2], [MASK, 0, MASK]];
const MU = [
  [[0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.6, 0.1, 0.3]],
  [[0.1, 0.1, 0.8], [0.25, 0.5, 0.25], [0.45, 0.45, 0.1]],
];
/** ψ preset for the confidence policies: finite at the revealed positions. */
const PSI = [0.3, Infinity, 0.9, Infinity, 0.5, Infinity];

/** Counts per batch row of next states over n repetitions of one step from Z (ψ reset to PSI before each). */
function stepCounts(policy: SamplerPolicy, t: number, s: number, n: number, seed: number, scores?: RevealScores): Float64Array[] {
  const z = Int32Array.from(Z.flat());
  const probs = Float64Array.from([...muFor(Z[0]!, MU[0]!), ...muFor(Z[1]!, MU[1]!)]);
  if (scores) {
    scores.reset(6 * n);
    for (let r = 0; r < n; r++) scores.psi.set(PSI, 6 * r);
  }
  const next = repeatedStep(policy, { batch: 2, length: L, layout: tokenLayout(V), steps: 8, fixed: null, tokens: z, step: 3, t, s, schedule: lin, probs, rng: new Rng(seed) }, n);
  const counts = [new Float64Array(64), new Float64Array(64)];
  for (const tokens of next) for (let b = 0; b < 2; b++) counts[b]![stateIndex(tokens.subarray(3 * b, 3 * b + 3))]!++;
  return counts;
}

/** softmax(−ψ) weights of two revealed positions. */
const w2 = (psiA: number, psiB: number): [number, number] => {
  const a = Math.exp(-psiA);
  const b = Math.exp(-psiB);
  return [a / (a + b), b / (a + b)];
};

interface StepCase {
  label: string;
  make: (scores: RevealScores) => SamplerPolicy;
  conf?: boolean;
  t: number;
  s: number;
  /** Expected per-position change probabilities for the two rows, written out by hand from §4.1–§4.6. */
  q: [number[], number[]];
  /** A wrong alternative. */
  wrong: [number[], number[]];
}

/** Hand-written expectations; linear α = 1 − t unless a loop schedule applies. */
function stepCases(): StepCase[] {
  const cases: StepCase[] = [];
  {
    const [at, as] = [0.5, 0.6]; // t = 0.5, s = 0.4; σ_max = min(1, 0.4/0.5) = 0.8
    const r = (sig: number) => reveal(at, as, sig);
    cases.push({ label: "cap η_cap = 0.3", make: () => remdmCapPolicy({ etaCap: 0.3 }), t: 0.5, s: 0.4, q: [[0.3, r(0.3), 0.3], [r(0.3), 0.3, r(0.3)]], wrong: [[0.2, r(0.2), 0.2], [r(0.2), 0.2, r(0.2)]] });
    cases.push({ label: "cap η_cap = 0.95 (clamped to σ_max)", make: () => remdmCapPolicy({ etaCap: 0.95 }), t: 0.5, s: 0.4, q: [[0.8, 1, 0.8], [1, 0.8, 1]], wrong: [[0.7, r(0.7), 0.7], [r(0.7), 0.7, r(0.7)]] });
    cases.push({ label: "rescale η = 0.5", make: () => remdmRescalePolicy({ etaRescale: 0.5 }), t: 0.5, s: 0.4, q: [[0.4, r(0.4), 0.4], [r(0.4), 0.4, r(0.4)]], wrong: [[0.3, r(0.3), 0.3], [r(0.3), 0.3, r(0.3)]] });
    const fb = (as - at) / at;
    cases.push({ label: "fb", make: () => fbPolicy(), t: 0.5, s: 0.4, q: [[fb, r(fb), fb], [r(fb), fb, r(fb)]], wrong: [[0, r(0), 0], [r(0), 0, r(0)]] });
    const [w0, w2b] = w2(PSI[0]!, PSI[2]!);
    cases.push({ label: "conf", make: (sc) => remdmConfPolicy({ scores: sc }), conf: true, t: 0.5, s: 0.4, q: [[0.8 * w0, r(0), 0.8 * w2b], [r(0), 0.8, r(0)]], wrong: [[0.4, r(0), 0.4], [r(0), 0.8, r(0)]] });
    cases.push({ label: "cap+conf η_cap = 0.3", make: (sc) => remdmCapConfPolicy({ etaCap: 0.3, scores: sc }), conf: true, t: 0.5, s: 0.4, q: [[0.3 * 2 * w0, r(0.3), 0.3 * 2 * w2b], [r(0.3), 0.3, r(0.3)]], wrong: [[0.3, r(0.3), 0.3], [r(0.3), 0.3, r(0.3)]] });
  }
  {
    const [at, as] = [0.5, 0.55]; // DFM at t = 0.5, s = 0.45: β = 10·(0.5·0.5)^{1/4}, σ = β·0.05/0.5 < σ_max = 0.9
    const sig = (10 * Math.pow(0.25, 0.25) * (as - at)) / at;
    cases.push({ label: "dfm (unclamped)", make: () => dfmPolicy(), t: 0.5, s: 0.45, q: [[sig, reveal(at, as, sig), sig], [reveal(at, as, sig), sig, reveal(at, as, sig)]], wrong: [[0.6, reveal(at, as, 0.6), 0.6], [reveal(at, as, 0.6), 0.6, reveal(at, as, 0.6)]] });
    const [bt, bs] = [0.7, 0.75]; // t = 0.3, s = 0.25: β·0.05/0.7 = 0.48 > σ_max = 0.25/0.7
    const max = 0.25 / 0.7;
    const rb = reveal(bt, bs, max);
    cases.push({ label: "dfm (clamped to σ_max)", make: () => dfmPolicy(), t: 0.3, s: 0.25, q: [[max, rb, max], [rb, max, rb]], wrong: [[0.48, rb, 0.48], [rb, 0.48, rb]] });
  }
  {
    // Loop with η = 0.1, t_on = 0.55, t_off = 0.05, α_on = 0.9 (§4.5, linear base).
    const loop = (sc: RevealScores) => remdmLoopPolicy({ eta: 0.1, scores: sc });
    const p1 = (t: number) => (0.9 * (1 - t)) / 0.45;
    const p3 = (t: number) => 1 - (t * 0.1) / 0.05;
    const r2 = (0.1 * 0.9) / 0.1; // phase 2: η·α_on/(1 − α_on)
    cases.push({ label: "loop phase 2", make: loop, t: 0.5, s: 0.45, q: [[0.1, r2, 0.1], [r2, 0.1, r2]], wrong: [[0.05, r2, 0.05], [r2, 0.05, r2]] });
    const r1 = reveal(p1(0.8), p1(0.7), 0);
    cases.push({ label: "loop phase 1", make: loop, t: 0.8, s: 0.7, q: [[0, r1, 0], [r1, 0, r1]], wrong: [[0, 0.8 * r1, 0], [0.8 * r1, 0, 0.8 * r1]] });
    const r3 = reveal(p3(0.04), p3(0.02), 0);
    cases.push({ label: "loop phase 3", make: loop, t: 0.04, s: 0.02, q: [[0, r3, 0], [r3, 0, r3]], wrong: [[0, 0.8 * r3, 0], [0.8 * r3, 0, 0.8 * r3]] });
    const rOn = reveal(p1(0.6), 0.9, 0); // straddles t_on: α(s) = α_on in its own phase (the reference would use p1(0.5) = 1)
    cases.push({ label: "loop straddling t_on", make: loop, t: 0.6, s: 0.5, q: [[0, rOn, 0], [rOn, 0, rOn]], wrong: [[0, 1, 0], [1, 0, 1]] });
    const [w0, w2b] = w2(PSI[0]!, PSI[2]!);
    const max = 0.1 / 0.9;
    cases.push({ label: "loop+conf phase 2 (one σ clipped)", make: (sc) => remdmLoopPolicy({ eta: 0.1, conf: true, scores: sc }), conf: true, t: 0.5, s: 0.45, q: [[Math.min(max, 0.2 * w0), r2, Math.min(max, 0.2 * w2b)], [r2, 0.1, r2]], wrong: [[0.1, r2, 0.1], [r2, 0.1, r2]] });
  }
  return cases;
}

test("one ReMDM-family step: next-state frequencies match the hand-written closed form of each policy, wrong laws rejected", () => {
  for (const [k, c] of stepCases().entries()) {
    const scores = new RevealScores();
    const counts = stepCounts(c.make(scores), c.t, c.s, 12_000, 100 + k, c.conf ? scores : undefined);
    for (let b = 0; b < 2; b++) {
      assertFits(counts[b]!, lawOf(Z[b]!, c.q[b]!, MU[b]!), `${c.label}, row ${b}`);
    }
    const wrong = [0, 1].map((b) => chiSquare(counts[b]!, lawOf(Z[b]!, c.wrong[b]!, MU[b]!)).stat);
    const critical = [0, 1].map((b) => chiSquareCritical(chiSquare(counts[b]!, lawOf(Z[b]!, c.wrong[b]!, MU[b]!)).df));
    assert.ok(wrong.some((x, b) => x > critical[b]!), `${c.label}: the wrong law should be rejected in some row (χ² ${wrong.map((x) => x.toFixed(1))})`);
  }
});

test("block wrapper step: the inner ancestral step on the current block only, on the block's own time grid", () => {
  // L = 3, block = 2, T = 4: block [0, 1] gets steps 0–1 (local t = 1 → 0.5 → 0), block [2] steps 2–3.
  const policy = blockPolicy(ancestralPolicy(), { block: 2 });
  const z = Int32Array.from([MASK, MASK, MASK, 1, MASK, MASK]);
  const probs = Float64Array.from([...muFor([MASK, MASK, MASK], MU[0]!), ...muFor([1, MASK, MASK], MU[1]!)]);
  for (const [k, q0, q1] of [[0, [0.5, 0.5, 0], [0, 0.5, 0]], [2, [0, 0, 0.5], [0, 0, 0.5]]] as const) {
    const next = repeatedStep(policy, { batch: 2, length: L, layout: tokenLayout(V), steps: 4, fixed: null, tokens: z, step: k, t: 0.9, s: 0.8, schedule: lin, probs, rng: new Rng(7 + k) }, 12_000);
    const counts = [new Float64Array(64), new Float64Array(64)];
    for (const tokens of next) for (let b = 0; b < 2; b++) counts[b]![stateIndex(tokens.subarray(3 * b, 3 * b + 3))]!++;
    assertFits(counts[0]!, lawOf([MASK, MASK, MASK], [...q0], MU[0]!), `block step ${k}, row 0`);
    assertFits(counts[1]!, lawOf([1, MASK, MASK], [...q1], MU[1]!), `block step ${k}, row 1`);
    // the loop's own (t, s) = (0.9, 0.8) would reveal with probability 1/9 everywhere
    assertRejects(counts[0]!, lawOf([MASK, MASK, MASK], [1 / 9, 1 / 9, 1 / 9], MU[0]!), `block step ${k} vs the global grid`);
  }
});

// ---------- exact one-step marginals under the true denoiser ----------

function randomJoint(seed: number): JointDistribution {
  const rng = new Rng(seed);
  const w = Float64Array.from({ length: V ** L }, () => 0.2 + rng.next());
  const sum = w.reduce((a, x) => a + x, 0);
  return { V, L, probs: w.map((x) => x / sum) };
}

/** μ of the true denoiser at state z (one-hot when nothing is masked). */
function trueMu(den: Denoiser, z: Int32Array): Float64Array {
  const states = { tokens: z, batch: 1, length: z.length };
  if (!z.includes(MASK)) return subsProbs(new Float64Array(z.length * V), states, V);
  return subsProbs(den.predict(states, Float64Array.of(0.5)), states, V);
}

/** Per-position marginal law [L·(V+1)] of z_s and E[revealed count], exact, after one step from z_t ~ q(z_t). */
function stepMarginals(
  policy: RemaskingPolicy,
  forward: Schedule,
  t: number,
  s: number,
  joint: JointDistribution,
  prepare?: (z: Int32Array) => void,
): { law: Float64Array; revealed: number } {
  const den = trueDenoiser(joint);
  const law = new Float64Array(L * (V + 1));
  const noDraws = (ctx: StepContext): StepContext => ({ ...ctx, uniform: () => assert.fail("plan must not draw") });
  allSequences(V, L).forEach((x, nx) => {
    for (let pattern = 0; pattern < 2 ** L; pattern++) {
      const z = Int32Array.from(x, (v, i) => ((pattern >> i) & 1 ? MASK : v));
      const pz = Array.from(z).reduce((a, v) => a * (v === MASK ? forward.maskProb(t) : forward.alpha(t)), joint.probs[nx]!);
      prepare?.(z);
      const mu = trueMu(den, z);
      const ctx = noDraws(stepContext({ batch: 1, length: L, layout: tokenLayout(V), steps: 1, fixed: null, tokens: z, step: 0, t, s, schedule: lin, probs: mu, rng: new Rng(0) }));
      const q = planProbabilities(policy, ctx);
      for (let i = 0; i < L; i++) {
        if (z[i] !== MASK) {
          law[i * (V + 1) + z[i]!] += pz * (1 - q[i]!);
          law[i * (V + 1) + MASK] += pz * q[i]!;
        } else {
          law[i * (V + 1) + MASK] += pz * (1 - q[i]!);
          for (let v = 0; v < V; v++) law[i * (V + 1) + v] += pz * q[i]! * mu[i * V + v]!;
        }
      }
    }
  });
  let revealed = 0;
  for (let i = 0; i < L; i++) revealed += 1 - law[i * (V + 1) + MASK]!;
  return { law, revealed };
}

/** The clean marginal p_i(v) of the joint. */
function cleanMarginal(joint: JointDistribution, i: number, v: number): number {
  return allSequences(V, L).reduce((a, x, n) => a + (x[i] === v ? joint.probs[n]! : 0), 0);
}

/** Asserts P(z_s^i = v) = α(s)·p_i(v) and P(z_s^i = MASK) = 1 − α(s) for every i, v. */
function assertMarginalsPreserved(law: Float64Array, joint: JointDistribution, alphaS: number, label: string): void {
  for (let i = 0; i < L; i++) {
    assert.ok(Math.abs(law[i * (V + 1) + MASK]! - (1 - alphaS)) < 1e-12, `${label}: P(mask at ${i}) = ${law[i * (V + 1) + MASK]} vs ${1 - alphaS}`);
    for (let v = 0; v < V; v++) {
      const want = alphaS * cleanMarginal(joint, i, v);
      assert.ok(Math.abs(law[i * (V + 1) + v]! - want) < 1e-12, `${label}: P(z_s^${i} = ${v}) = ${law[i * (V + 1) + v]} vs ${want}`);
    }
  }
}

test("exact: cap, rescale, FB, DFM and every loop phase keep P(z_s^i = v) = α(s)·p_i(v) for z_t ~ q(z_t)", () => {
  const joint = randomJoint(123);
  const times: [number, number][] = [[1, 0.9], [0.5, 0.4], [0.3, 0.25], [0.5, 0.45], [0.1, 0]];
  const constant: [string, RemaskingPolicy][] = [
    ["cap", remdmCapPolicy({ etaCap: 0.3 })],
    ["cap (default)", remdmCapPolicy()],
    ["rescale", remdmRescalePolicy({ etaRescale: 0.5 })],
    ["fb", fbPolicy()],
    ["dfm", dfmPolicy()],
  ];
  for (const [label, policy] of constant) {
    for (const [t, s] of times) assertMarginalsPreserved(stepMarginals(policy, lin, t, s, joint).law, joint, lin.alpha(s), `${label} t=${t} s=${s}`);
  }
  const shape = { tOn: 0.55, tOff: 0.05, alphaOn: 0.9 };
  const loopSched = loopSchedule(lin, shape);
  const loop = remdmLoopPolicy({ eta: 0.1, ...shape });
  const loopTimes: [number, number][] = [[1, 0.9], [0.8, 0.7], [0.6, 0.5], [0.5, 0.45], [0.2, 0.1], [0.06, 0.03], [0.04, 0.02], [0.02, 0]];
  for (const [t, s] of loopTimes) {
    assertMarginalsPreserved(stepMarginals(loop, loopSched, t, s, joint).law, joint, loopSched.alpha(s), `loop t=${t} s=${s}`);
  }
  // The check has teeth: a step that used σ = η at a revealed token but the MDLM reveal rate would not pass.
  const broken: RemaskingPolicy = {
    ...loop,
    plan: (ctx) => ({ schedule: loop.plan(ctx).schedule, sigma: Float64Array.from(ctx.tokens, (x) => (x === MASK ? 0 : 0.1)) }),
  };
  assert.throws(() => assertMarginalsPreserved(stepMarginals(broken, loopSched, 0.5, 0.45, joint).law, joint, 0.9, "broken"), /P\(mask/);
});

/** A deterministic ψ for any state: pseudo-random values in (0.05, 0.95) at revealed positions. */
function psiFor(scores: RevealScores): (z: Int32Array) => void {
  return (z) => {
    scores.reset(z.length);
    z.forEach((v, i) => {
      if (v !== MASK) scores.psi[i] = 0.5 + 0.45 * Math.sin(7.1 * stateIndex(z) + 3.3 * i + v);
    });
  };
}

test("exact: confidence-weighted σ — combinations keep the expected revealed count α(s)·L, plain conf loses E[Σσ^i]", () => {
  const joint = randomJoint(321);
  for (const [t, s] of [[0.5, 0.4], [0.3, 0.25], [0.8, 0.75]] as const) {
    const scores = new RevealScores();
    const capConf = stepMarginals(remdmCapConfPolicy({ etaCap: 0.1, scores }), lin, t, s, joint, psiFor(scores));
    assert.ok(Math.abs(capConf.revealed - L * lin.alpha(s)) < 1e-12, `cap+conf t=${t}: ${capConf.revealed} vs ${L * lin.alpha(s)}`);

    const confScores = new RevealScores();
    const conf = remdmConfPolicy({ scores: confScores });
    const confLaw = stepMarginals(conf, lin, t, s, joint, psiFor(confScores));
    // the loss E[Σ_i σ^i] under q(z_t) is σ_max·P(some position revealed), since η_conf sums to 1
    const sigmaMax = Math.min(1, lin.maskProb(s) / lin.alpha(t));
    const pSomeRevealed = 1 - lin.maskProb(t) ** L;
    const loss = sigmaMax * pSomeRevealed;
    assert.ok(Math.abs(confLaw.revealed - (L * lin.alpha(s) - loss)) < 1e-12, `conf t=${t}: ${confLaw.revealed} vs ${L * lin.alpha(s)} − ${loss}`);
    assert.ok(loss > 0.01, "conf's deficit is real");
  }
  const shape = { tOn: 0.55, tOff: 0.05, alphaOn: 0.5 }; // σ_max = 1 in phase 2, so η·R·η_conf ≤ 0.6 is never clipped
  const loopSched = loopSchedule(lin, shape);
  for (const [t, s] of [[0.5, 0.45], [0.3, 0.2], [0.6, 0.5], [0.06, 0.03]] as const) {
    const scores = new RevealScores();
    const loopConf = stepMarginals(remdmLoopPolicy({ ...shape, eta: 0.2, conf: true, scores }), loopSched, t, s, joint, psiFor(scores));
    assert.ok(Math.abs(loopConf.revealed - L * loopSched.alpha(s)) < 1e-12, `loop+conf t=${t}: ${loopConf.revealed} vs ${L * loopSched.alpha(s)}`);
  }
});

// ---------- end to end ----------

/** Exact law of the final tokens of a stateless policy run for T steps from all-MASK (uniform grid), by enumeration. */
function chainLaw(policy: RemaskingPolicy, joint: JointDistribution, T: number): Float64Array {
  const den = trueDenoiser(joint);
  let dist = new Float64Array(64);
  dist[stateIndex([MASK, MASK, MASK])] = 1;

  for (let k = 0; k < T; k++) {
    const { t, s } = gridPoint(k, T, "uniform");
    const next = new Float64Array(64);
    for (let n = 0; n < 64; n++) {
      if (dist[n] === 0) continue;
      const z = Int32Array.from(stateOf(n));
      const probs = trueMu(den, z);
      const q = planProbabilities(policy, stepContext({ batch: 1, length: L, layout: tokenLayout(V), steps: T, fixed: null, tokens: z, step: k, t, s, schedule: lin, probs, rng: new Rng(0) }));
      const mu = [0, 1, 2].map((i) => Array.from(probs.subarray(i * V, i * V + V)));
      lawOf(Array.from(z), Array.from(q), mu).forEach((p, m) => (next[m] += dist[n]! * p));
    }
    dist = next;
  }
  const out = new Float64Array(V ** L);
  dist.forEach((p, n) => {
    const z = stateOf(n);
    assert.ok(p < 1e-15 || !z.includes(MASK), "linear α reaches 1 at s = 0: no MASK survives");
    if (!z.includes(MASK)) out[z.reduce((a, x) => a * V + x, 0)] += p;
  });
  return out;
}

function sequenceCounts(tokens: Int32Array): Float64Array {
  const counts = new Float64Array(V ** L);
  for (let b = 0; b < tokens.length / L; b++) counts[tokens.subarray(b * L, (b + 1) * L).reduce((a, x) => a * V + x, 0)]!++;
  return counts;
}

const tv = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((acc, p, i) => acc + Math.abs(p - b[i]!), 0) / 2;

test("end to end at T = 4L: loop and cap samples follow the exact law of their chain, which is as close to the joint as ancestral's", () => {
  const joint = randomJoint(99);
  const T = 4 * L;
  const ancestralLaw = chainLaw(remdmCapPolicy({ etaCap: 0 }), joint, T); // σ = 0: the ancestral chain
  for (const [label, policy] of [["remdm-loop η = 0.1", remdmLoopPolicy({ eta: 0.1 })], ["remdm-cap η_cap = 0.1", remdmCapPolicy({ etaCap: 0.1 })]] as const) {
    const law = chainLaw(policy, joint, T);
    const r = sample(trueDenoiser(joint), policy, { batch: 20_000, length: L, steps: T, schedule: lin, rng: new Rng(41) });
    assert.ok(!r.tokens.includes(MASK));
    assertFits(sequenceCounts(r.tokens), law, `${label}: samples vs the exact chain law`);
    const shifted = law.map((p, n) => p + (n === 0 ? 0.01 : n === 26 ? -0.01 : 0));
    assertRejects(sequenceCounts(r.tokens), shifted, `${label}: vs the law with 0.01 moved between two outcomes`);
    // Factorised reveals cost the same order of accuracy as ancestral sampling at this T (TV ≈ 0.02).
    assert.ok(tv(law, joint.probs) < 0.03 && tv(ancestralLaw, joint.probs) < 0.03, `TV ${tv(law, joint.probs)} (ancestral ${tv(ancestralLaw, joint.probs)})`);
  }
});

test("end to end at T = 16L with the released η: loop and cap samples fit the joint itself", () => {
  const joint = randomJoint(99);
  for (const [label, policy] of [["remdm-loop", remdmLoopPolicy()], ["remdm-cap", remdmCapPolicy()]] as const) {
    const r = sample(trueDenoiser(joint), policy, { batch: 20_000, length: L, steps: 16 * L, schedule: lin, rng: new Rng(43) });
    assertFits(sequenceCounts(r.tokens), joint.probs, `${label}: samples vs the joint`);
    const m = [0, 1, 2].map((i) => [0, 1, 2].map((v) => cleanMarginal(joint, i, v)));
    const product = Float64Array.from(allSequences(V, L), (x) => m[0]![x[0]!]! * m[1]![x[1]!]! * m[2]![x[2]!]!);
    assertRejects(sequenceCounts(r.tokens), product, `${label}: vs the product of the marginals`);
  }
});
