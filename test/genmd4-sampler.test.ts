/**
 * The per-class ancestral sampler (ALGORITHMS.md §2.5, our derivation): its one-step law by chi-square against the
 * closed form, its end-to-end law against the exact T-step law by enumeration (and, with the true denoiser of the
 * per-class forward process, against the joint), both top-p rules, and exact idle-step caching.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/engine/index.js";
import { perClassSchedule } from "../src/diffusion/class-schedule.js";
import { ancestralPolicy, sample, stepContext } from "../src/diffusion/samplers/index.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { polynomialClassSchedule } from "../src/methods/genmd4/polynomial-schedule.js";
import { assertFits, assertRejects } from "./helpers/chi-square.js";
import { allSequences, functionDenoiser, subsProbs } from "./helpers/table-denoiser.js";
import { hashedLogits, maskProb, samplerLaw, type ClassProblem } from "./helpers/class-enumeration.js";

const V = 3;
const MASK = V;
const w = [0.4, 1, 3];
const schedule = perClassSchedule("test", polynomialClassSchedule(Float64Array.from(w), 0));
const f = hashedLogits(V, 2);
const tableProblem: ClassProblem = { V, L: 3, w, eps: 0, logits: (z) => f(z) };

/** Histogram over V^3 of finished samples [B·3]. */
function histogram(tokens: Int32Array): Float64Array {
  const counts = new Float64Array(V ** 3);
  for (let b = 0; b < tokens.length / 3; b++) counts[tokens[3 * b]! * 9 + tokens[3 * b + 1]! * 3 + tokens[3 * b + 2]!]!++;
  return counts;
}

test("one step: P(z_s = v) = μ_v·r_v and P(stay masked) = Σ_v μ_v(1 − r_v), over all next states; the scalar law is rejected", () => {
  const z = Int32Array.from([MASK, 1, MASK]);
  const t = 0.7;
  const s = 0.4;
  const probs = subsProbs(f(z), { tokens: z, batch: 1, length: 3 }, V);
  const r = w.map((_, v) => (maskProb(tableProblem, v, t) - maskProb(tableProblem, v, s)) / maskProb(tableProblem, v, t));
  const law = (rv: number[]) => {
    const out = new Float64Array(16);
    for (let a = 0; a <= V; a++) for (let c = 0; c <= V; c++) {
      const at = (i: number, x: number) => (x === MASK ? [0, 1, 2].reduce((acc, v) => acc + probs[i * V + v]! * (1 - rv[v]!), 0) : probs[i * V + x]! * rv[x]!);
      out[a * 4 + c] = at(0, a) * at(2, c);
    }
    return out;
  };
  const counts = new Float64Array(16);
  const rng = new Rng(3);
  const policy = ancestralPolicy();
  for (let n = 0; n < 40_000; n++) {
    const tokens = z.slice();
    policy.step(stepContext({ batch: 1, length: 3, layout: tokenLayout(V), steps: 4, step: 1, fixed: null, tokens, t, s, schedule, probs, rng }));
    assert.equal(tokens[1], 1);
    counts[tokens[0]! * 4 + tokens[2]!]!++;
  }
  assertFits(counts, law(r), "per-class one-step law");
  const mean = r.reduce((a, b) => a + b, 0) / 3;
  assertRejects(counts, law([mean, mean, mean]), "one scalar reveal probability (the mean r)");
});

test("end to end: the sample law is the exact T-step law (enumerated); another exponent vector's law is rejected", () => {
  const d = functionDenoiser(V, false, (z) => f(z));
  for (const T of [1, 3, 8]) {
    const out = sample(d, ancestralPolicy(), { batch: 30_000, length: 3, steps: T, schedule, rng: new Rng(40 + T) });
    assert.ok(!out.states.includes(MASK));
    const counts = histogram(out.tokens);
    assertFits(counts, samplerLaw(tableProblem, T), `T = ${T}`);
    if (T > 1) assertRejects(counts, samplerLaw({ ...tableProblem, w: [3, 1, 0.4] }, T), `T = ${T} vs reversed exponents`);
  }
});

test("end to end with the true denoiser of the per-class forward process: many steps reproduce the joint", () => {
  const joint = Float64Array.from({ length: 27 }, (_, n) => 1 + 3 * Math.sin(n * 1.3) ** 2);
  const total = joint.reduce((a, b) => a + b, 0);
  joint.forEach((p, n) => (joint[n] = p / total));
  const seqs = allSequences(V, 3);
  // μ_i(v | z, t) ∝ Σ_x p(x) Π_j q(z_j | x_j, t)[x_i = v]: which tokens are still visible depends on their class
  const trueLogits = (z: Int32Array, t: number): Float64Array => {
    const mass = new Float64Array(3 * V);
    seqs.forEach((x, n) => {
      let q = joint[n]!;
      for (let j = 0; j < 3; j++) q *= z[j] === MASK ? t ** w[x[j]!]! : z[j] === x[j] ? 1 - t ** w[x[j]!]! : 0;
      for (let i = 0; i < 3; i++) mass[i * V + x[i]!] += q;
    });
    return mass.map(Math.log);
  };
  const trueProblem: ClassProblem = { V, L: 3, w, eps: 0, logits: trueLogits };
  const law = samplerLaw(trueProblem, 300);
  const tv = law.reduce((a, p, n) => a + Math.abs(p - joint[n]!), 0) / 2;
  assert.ok(tv < 0.01, `T = 300: total variation to the joint ${tv}`);
  const oneStep = samplerLaw(trueProblem, 1).reduce((a, p, n) => a + Math.abs(p - joint[n]!), 0) / 2;
  assert.ok(oneStep > 0.05, `T = 1 reveals all at once (product of marginals): TV ${oneStep}`);
  const d = functionDenoiser(V, true, trueLogits);
  const out = sample(d, ancestralPolicy(), { batch: 12_000, length: 3, steps: 300, schedule, rng: new Rng(7) });
  assertFits(histogram(out.tokens), law, "true denoiser, T = 300");
});

test("top-p (both rules) filters μ before the draw: one step from all-MASK gives the product of the filtered rows", () => {
  const d = functionDenoiser(V, false, (z) => f(z));
  const all = Int32Array.from([MASK, MASK, MASK]);
  const mu = subsProbs(f(all), { tokens: all, batch: 1, length: 3 }, V);
  const laws: Float64Array[] = [];
  for (const variant of ["mdlm", "md4"] as const) {
    const rows = [0, 1, 2].map((i) => {
      const row = Array.from(mu.subarray(i * V, i * V + V));
      const order = [0, 1, 2].sort((a, b) => row[b]! - row[a]!);
      const kept = new Array<number>(V).fill(0);
      let mass = 0;
      for (const v of order) {
        if (variant === "mdlm" ? mass + row[v]! > 0.6 && mass > 0 : mass >= 0.6) break;
        kept[v] = row[v]!;
        mass += row[v]!;
      }
      return kept.map((k) => k / mass);
    });
    const exact = Float64Array.from({ length: 27 }, (_, n) => rows[0]![Math.floor(n / 9)]! * rows[1]![Math.floor(n / 3) % 3]! * rows[2]![n % 3]!);
    const out = sample(d, ancestralPolicy(), { batch: 20_000, length: 3, steps: 1, schedule, topP: 0.6, topPVariant: variant, rng: new Rng(11) });
    assertFits(histogram(out.tokens), exact, `top-p 0.6, ${variant}`);
    laws.push(exact);
  }
  assert.ok(laws[0]!.some((p, n) => Math.abs(p - laws[1]![n]!) > 0.05), "the two rules differ on these rows");
});

test("idle-step caching is exact for a time-agnostic network: same samples with and without the cache, fewer network calls", () => {
  const calls = { on: 0, off: 0 };
  const make = (key: "on" | "off") => functionDenoiser(V, false, (z) => (calls[key]++, f(z)));
  const opts = { batch: 50, length: 3, steps: 40, schedule };
  const on = sample(make("on"), ancestralPolicy(), { ...opts, rng: new Rng(5), cache: true });
  const off = sample(make("off"), ancestralPolicy(), { ...opts, rng: new Rng(5), cache: false });
  assert.deepEqual(Array.from(on.tokens), Array.from(off.tokens));
  assert.ok(on.stats.nfeNonCached < off.stats.nfeNonCached && calls.on < calls.off, `non-cached ${on.stats.nfeNonCached} vs ${off.stats.nfeNonCached}`);
});
