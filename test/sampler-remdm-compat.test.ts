// ReMDM compat=official (reproducing the official code) vs our default: the option changes exactly the grid,
// ReMDM-loop's phase rule at straddling steps and FB's clamp of σ, and nothing else.
import assert from "node:assert/strict";
import { test } from "node:test";
import { linear, polynomial } from "../src/diffusion/schedules.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import {
  gridPoint,
  parseSamplerSpec,
  planProbabilities,
  remdmLoopPolicy,
  fbPolicy,
  sample,
  sigmaMax,
  stepContext,
  type RemaskingPolicy,
  type StepContext,
} from "../src/diffusion/samplers/index.js";
import { Rng } from "../src/engine/rng.js";
import { stateDenoiser } from "./helpers/table-denoiser.js";

const V = 3;
const MASK = V;
const lin = linear();

function ctxOf(tokens: number[], t: number, s: number): StepContext {
  const probs = new Float64Array(tokens.length * V);
  tokens.forEach((x, n) => (x === MASK ? probs.fill(1 / V, n * V, n * V + V) : (probs[n * V + x] = 1)));
  return stepContext({ batch: 1, length: tokens.length, layout: tokenLayout(V), steps: 10, fixed: null, tokens: Int32Array.from(tokens), step: 1, t, s, schedule: lin, probs, rng: new Rng(0) });
}

/** [P(remask) of a revealed position, P(reveal) of a masked one] for policy's step t → s (linear α). */
function probs(policy: RemaskingPolicy, t: number, s: number): [number, number] {
  const q = planProbabilities(policy, ctxOf([0, MASK], t, s));
  return [q[0]!, q[1]!];
}

const near = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol;
const closePair = (got: [number, number], want: [number, number], what: string) =>
  assert.ok(near(got[0], want[0]) && near(got[1], want[1]), `${what}: got [${got}], expected [${want}]`);

test("grid: compat=official is linspace(1, 1e-5, T + 1); the default grid is still 1 − k/T down to 0", () => {
  const T = 8;
  // numpy.linspace(1, 1e-5, T + 1)[j] = 1 + j·(1e-5 − 1)/T
  const linspace = Array.from({ length: T + 1 }, (_, j) => 1 + (j * (1e-5 - 1)) / T);
  const official = [...Array.from({ length: T }, (_, k) => gridPoint(k, T, "official").t), gridPoint(T - 1, T, "official").s];
  official.forEach((x, j) => assert.ok(near(x, linspace[j]!, 1e-15), `node ${j}: ${x} vs ${linspace[j]}`));
  assert.equal(official[T], 1e-5);
  const uniform = [...Array.from({ length: T }, (_, k) => gridPoint(k, T, "uniform").t), gridPoint(T - 1, T, "uniform").s];
  assert.deepEqual(uniform, [1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0]);
  // the policies: official ones carry the grid, default ones none; a run on the official grid ends at 1e-5
  assert.equal(parseSamplerSpec("remdm-loop:compat=official").grid, "official");
  assert.equal(parseSamplerSpec("remdm-cap:compat=official").grid, "official");
  assert.equal(parseSamplerSpec("fb:compat=official").grid, "official");
  for (const spec of ["remdm-loop", "remdm-cap", "fb", "remdm-loop:compat=ours"]) assert.equal(parseSamplerSpec(spec).grid, undefined, spec);
  const r = sample(stateDenoiser(V), parseSamplerSpec("remdm-cap:compat=official"), { batch: 1, length: 3, steps: 4, schedule: lin, rng: new Rng(1), trace: true });
  const node4 = (j: number) => (j === 4 ? 1e-5 : 1 + (j * (1e-5 - 1)) / 4); // numpy.linspace puts the end point exactly
  r.trace!.slice(0, 4).forEach((e, k) => assert.ok(near(e.t, node4(k), 1e-15) && near(e.s, node4(k + 1), 1e-15), `step ${k}: (${e.t}, ${e.s})`));
  assert.equal(r.trace![3]!.s, 1e-5);
  assert.throws(() => sample(stateDenoiser(V), parseSamplerSpec("fb:compat=official"), { batch: 1, length: 3, steps: 4, schedule: lin, rng: new Rng(1), grid: "cosine" }), /runs on the 'official' time grid, but grid 'cosine'/);
});

test("remdm-loop at the step straddling t_on: ours evaluates α(s) in s's phase, official applies t's phase formula (α(s) > α_on)", () => {
  const ours = remdmLoopPolicy(), official = remdmLoopPolicy({ compat: "official" });
  // t = 0.6 (phase 1: α = 0.9·0.4/0.45 = 0.8, m_t = 0.2, σ = 0), s = 0.52 (phase 2)
  // ours: α(s) = α_on = 0.9 -> P(reveal) = (0.2 − 0.1)/0.2 = 0.5
  // official: α(s) = 0.9·(1 − 0.52)/(1 − 0.55) = 0.96 -> P(reveal) = (0.2 − 0.04)/0.2 = 0.8
  closePair(probs(ours, 0.6, 0.52), [0, 0.5], "ours at t_on");
  closePair(probs(official, 0.6, 0.52), [0, 0.8], "official at t_on");
  assert.ok(official.plan(ctxOf([MASK], 0.6, 0.52)).schedule.alpha(0.52) > 0.9 + 1e-9);
});

test("remdm-loop at the step straddling t_off: official keeps α(s) = α_on (phase 2 formula), ours follows phase 3", () => {
  const ours = remdmLoopPolicy(), official = remdmLoopPolicy({ compat: "official" });
  // t = 0.06 (phase 2: α = 0.9, σ = η = 0.02), s = 0.04: ours α(s) = 1 − 0.04·0.1/0.05 = 0.92
  // ours: P(reveal) = (0.1 − 0.08 + 0.02·0.9)/0.1 = 0.38; official: (0.1 − 0.1 + 0.018)/0.1 = 0.18; both remask with η
  closePair(probs(ours, 0.06, 0.04), [0.02, 0.38], "ours at t_off");
  closePair(probs(official, 0.06, 0.04), [0.02, 0.18], "official at t_off");
});

test("remdm-loop: steps inside one phase are the same in both modes (phases 1, 2, 3; linear and poly2 bases)", () => {
  for (const base of [lin, polynomial(2)]) {
    const ours = remdmLoopPolicy({ eta: 0.05 }), official = remdmLoopPolicy({ eta: 0.05, compat: "official" });
    for (const [t, s] of [[1, 0.9], [0.8, 0.7], [0.56, 0.555], [0.5, 0.4], [0.1, 0.06], [0.05, 0.03], [0.02, 1e-5]] as const) {
      const ctx = { ...ctxOf([0, MASK, 1, MASK], t, s), schedule: base };
      const a = planProbabilities(ours, ctx), b = planProbabilities(official, ctx);
      assert.deepEqual(Array.from(b), Array.from(a), `${base.name} t=${t} s=${s}`);
    }
  }
});

test("fb: official σ exceeds σ_max (not clamped); where σ ≤ σ_max both modes agree", () => {
  const ours = fbPolicy(), official = fbPolicy({ compat: "official" });
  // t = 0.2, s = 0.05 (linear): α_t = 0.8, σ_fb = 0.15/0.8 = 0.1875 > σ_max = 0.05/0.8 = 0.0625
  assert.ok(near(sigmaMax(0.8, 0.05), 0.0625));
  closePair(probs(ours, 0.2, 0.05), [0.0625, 1], "ours, clamped");
  closePair(probs(official, 0.2, 0.05), [0.1875, 1], "official, σ = 0.1875 unclamped");
  assert.equal(official.plan(ctxOf([0], 0.2, 0.05)).clampSigma, false);
  assert.equal(ours.plan(ctxOf([0], 0.2, 0.05)).clampSigma, undefined);
  // t = 0.5, s = 0.4: σ = 0.2 ≤ σ_max = 0.8
  closePair(probs(official, 0.5, 0.4), probs(ours, 0.5, 0.4), "σ ≤ σ_max");
  closePair(probs(ours, 0.5, 0.4), [0.2, (0.1 + 0.2 * 0.5) / 0.5], "fb at t = 0.5");
});

test("compat=official on remdm-cap, rescale and conf changes only the grid: same draws as the default policy run on that grid", () => {
  for (const spec of ["remdm-cap:eta_cap=0.05", "remdm-rescale:eta_rescale=0.3", "remdm-conf", "remdm-cap-conf:eta_cap=0.05"]) {
    const run = (s: string, grid?: "official") => sample(stateDenoiser(V), parseSamplerSpec(s), { batch: 4, length: 6, steps: 13, schedule: lin, rng: new Rng(7), grid });
    const sep = spec.includes(":") ? "," : ":";
    assert.deepEqual(Array.from(run(spec + sep + "compat=official").tokens), Array.from(run(spec, "official").tokens), spec);
  }
});

// Outputs of the default path (no compat option), recorded when the sampler's probabilities moved onto the
// tensor engine (per-sequence random streams, one float64 inverse-CDF candidate per token and step; see
// docs/changelog.md), with stateDenoiser(3), batch 4, length 6, T = 13, Rng(7): the compat option must not move them.
const before: Record<string, string> = {
  "ancestral|linear": "202222221200212201020212",
  "ancestral|poly2": "202222121101222201012211",
  "fb|linear": "120110022121110000001010",
  "fb|poly2": "120112221021201222000121",
  "dfm|linear": "022000002101002222121001",
  "dfm|poly2": "111012200110022002122220",
  "remdm-cap:eta_cap=0.05|linear": "120110222201010220011020",
  "remdm-cap:eta_cap=0.05|poly2": "120102121201011202221221",
  "remdm-rescale:eta_rescale=0.3|linear": "120012022211200012201111",
  "remdm-rescale:eta_rescale=0.3|poly2": "120012220221111002020102",
  "remdm-conf|linear": "120200002020021200111010",
  "remdm-conf|poly2": "120010222212110121020110",
  "remdm-cap-conf:eta_cap=0.05|linear": "120110222201011212011020",
  "remdm-cap-conf:eta_cap=0.05|poly2": "120102121201011202221221",
  "remdm-loop:eta=0.1|linear": "211201121101001220002001",
  "remdm-loop:eta=0.1|poly2": "000021121100012220002221",
  "remdm-loop-conf:eta=0.1,t_on=0.6,t_off=0.2|linear": "021022121002021200002021",
  "remdm-loop-conf:eta=0.1,t_on=0.6,t_off=0.2|poly2": "111112212202002221002221",
};

test("the default path's samples are unchanged for fixed seeds; compat=official does change full runs", () => {
  const schedules = { linear: lin, poly2: polynomial(2) };
  let changed = 0;
  for (const [key, want] of Object.entries(before)) {
    const [spec, sname] = key.split("|") as [string, keyof typeof schedules];
    const run = (s: string) => Array.from(sample(stateDenoiser(V), parseSamplerSpec(s), { batch: 4, length: 6, steps: 13, schedule: schedules[sname], rng: new Rng(7) }).tokens).join("");
    assert.equal(run(spec), want, key);
    if (spec.startsWith("remdm-loop") || spec === "fb") {
      const sep = spec.includes(":") ? "," : ":";
      if (run(spec + sep + "compat=official") !== want) changed++;
    }
  }
  assert.ok(changed >= 3, `compat=official changed only ${changed} of 6 remdm-loop/fb runs`);
});
