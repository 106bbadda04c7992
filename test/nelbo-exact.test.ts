import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Denoiser, States } from "../src/diffusion/denoiser.js";
import { continuousNelbo, type ContinuousNelboOptions } from "../src/diffusion/losses/continuous.js";
import { discreteCoefficient, discreteNelbo } from "../src/diffusion/losses/discrete.js";
import { scheduleFromName, type Schedule } from "../src/diffusion/schedule.js";
import { Rng } from "../src/engine/rng.js";
import {
  exactContinuousNelbo, exactDiscreteNelbo, exactNelboTimeAgnostic, expectationOverJoint, gaussLegendre,
} from "../src/eval/exact.js";
import { formatBound, summarizeNelbo } from "../src/eval/metrics.js";
import { entropy, functionDenoiser, trueDenoiser, type JointDistribution } from "./helpers/table-denoiser.js";

const V = 3;
const L = 3;

/** Dirichlet(1, ..., 1) joint distribution over V^L sequences. */
function randomJoint(seed: number): JointDistribution {
  const rng = new Rng(seed);
  const probs = Float64Array.from({ length: V ** L }, () => rng.exponential());
  const z = probs.reduce((a, b) => a + b, 0);
  return { V, L, probs: probs.map((p) => p / z) };
}

/** Index of a noisy state in base V + 1. */
const stateIndex = (z: Int32Array): number => z.reduce((acc, zi) => acc * (V + 1) + zi, 0);

/** A deliberately wrong model: fixed random logits per noisy state, optionally varying smoothly with t. */
function randomModel(seed: number, timeConditioned: boolean): Denoiser {
  const rng = new Rng(seed);
  const table = (): Float64Array[] => Array.from({ length: (V + 1) ** L }, () => Float64Array.from({ length: L * V }, () => 4 * (rng.next() - 0.5)));
  const [base, phase] = [table(), table()];
  return functionDenoiser(V, timeConditioned, (z, t) => {
    const k = stateIndex(z);
    return base[k]!.map((b, j) => (timeConditioned ? b + 2 * Math.sin(3 * t + phase[k]![j]!) : b));
  });
}

const joint = randomJoint(11);
const truth = trueDenoiser(joint);
const wrongStatic = randomModel(12, false);
const wrongTimed = randomModel(13, true);
const X = Int32Array.of(0, 2, 1);
const marginalEntropySum = (d: JointDistribution): number => {
  let h = 0;
  for (let i = 0; i < d.L; i++) {
    const m = new Float64Array(d.V);
    d.probs.forEach((p, n) => (m[Math.floor(n / d.V ** (d.L - 1 - i)) % d.V]! += p));
    for (const p of m) h -= p * Math.log(p);
  }
  return h;
};

/** B copies of x, or B draws from the joint when x is a distribution. */
function batchOf(x: Int32Array | JointDistribution, B: number, rng: Rng): States {
  const tokens = new Int32Array(B * L);
  for (let b = 0; b < B; b++) {
    if (x instanceof Int32Array) tokens.set(x, b * L);
    else {
      let u = rng.next();
      let n = 0;
      while (n < x.probs.length - 1 && (u -= x.probs[n]!) >= 0) n++;
      for (let i = L - 1, r = n; i >= 0; i--, r = Math.floor(r / V)) tokens[b * L + i] = r % V;
    }
  }
  return { tokens, batch: B, length: L };
}

/** Mean of many batch estimates and its standard error from the spread of batch means (valid under within-batch correlation). */
function monteCarlo(nBatches: number, estimate: () => Float64Array): { mean: number; stderr: number } {
  const means = Float64Array.from({ length: nBatches }, () => {
    const v = estimate();
    return v.reduce((a, b) => a + b, 0) / v.length;
  });
  const mean = means.reduce((a, b) => a + b, 0) / nBatches;
  const variance = means.reduce((a, m) => a + (m - mean) ** 2, 0) / (nBatches - 1);
  return { mean, stderr: Math.sqrt(variance / nBatches) };
}

function within3Se(mc: { mean: number; stderr: number }, exact: number, what: string): void {
  assert.ok(mc.stderr > 0 && mc.stderr < 0.05 * Math.abs(exact), `${what}: stderr ${mc.stderr}`);
  assert.ok(Math.abs(mc.mean - exact) <= 3 * mc.stderr, `${what}: MC ${mc.mean} ± ${mc.stderr} vs exact ${exact}`);
}

describe("exact NELBO by enumeration", () => {
  test("Gauss–Legendre nodes and weights", () => {
    const { nodes, weights } = gaussLegendre(3);
    const sorted = [...nodes].sort((a, b) => a - b);
    [-Math.sqrt(0.6), 0, Math.sqrt(0.6)].forEach((x, i) => assert.ok(Math.abs(sorted[i]! - x) < 1e-15));
    assert.ok(Math.abs(weights[nodes.findIndex((x) => Math.abs(x) < 1e-12)]! - 8 / 9) < 1e-15);
    const g = gaussLegendre(7); // exact up to degree 13
    const integral = g.nodes.reduce((a, x, i) => a + g.weights[i]! * x ** 12, 0);
    assert.ok(Math.abs(integral - 2 / 13) < 1e-14, `∫x¹² = ${integral}`);
  });

  test("true denoiser: NELBO(x) = −log p(x) for every x, so its mean is H(p)", () => {
    const linear = scheduleFromName("linear");
    expectationOverJoint(joint, (x) => {
      const p = joint.probs[x.reduce((a, xi) => a * V + xi, 0)]!;
      assert.ok(Math.abs(exactContinuousNelbo(truth, x, linear) + Math.log(p)) < 1e-9);
      return 0;
    });
    const mean = expectationOverJoint(joint, (x) => exactContinuousNelbo(truth, x, scheduleFromName("cosine-md4")));
    assert.ok(Math.abs(mean - entropy(joint)) < 1e-9, `${mean} vs H = ${entropy(joint)}`);
    assert.ok(Math.abs(expectationOverJoint(joint, (x) => exactNelboTimeAgnostic(truth, x)) - entropy(joint)) < 1e-12);
  });

  test("time-agnostic model: same NELBO under every schedule with α(0) = 1, α(1) = 0, equal to the Beta closed form", () => {
    const closed = exactNelboTimeAgnostic(wrongStatic, X);
    for (const name of ["linear", "cosine-md4", "poly2", "poly:0.5", "poly:3.5"]) {
      const q = exactContinuousNelbo(wrongStatic, X, scheduleFromName(name));
      assert.ok(Math.abs(q - closed) < 1e-8 * closed, `${name}: ${q} vs ${closed}`);
    }
    const mean = expectationOverJoint(joint, (x) => exactNelboTimeAgnostic(wrongStatic, x));
    assert.ok(mean > entropy(joint) + 0.1, "a wrong model's expected bound exceeds the entropy");
    assert.throws(() => exactNelboTimeAgnostic(wrongTimed, X), /time-agnostic/);
  });

  test("time-conditioned model: the schedule matters, and the quadrature has converged", () => {
    const lin = exactContinuousNelbo(wrongTimed, X, scheduleFromName("linear"));
    const cos = exactContinuousNelbo(wrongTimed, X, scheduleFromName("cosine-md4"));
    assert.ok(Math.abs(lin - cos) > 1e-3, `${lin} vs ${cos}`);
    const fine = exactContinuousNelbo(wrongTimed, X, scheduleFromName("cosine-md4"), { nodes: 24, panels: 60 });
    assert.ok(Math.abs(cos - fine) < 1e-10 * fine);
  });

  test("discrete coefficient: linear schedule on a uniform grid gives exactly 1/k", () => {
    const linear = scheduleFromName("linear");
    for (const T of [1, 7, 1000]) {
      for (let k = 1; k <= T; k++) {
        const c = discreteCoefficient(linear, (k - 1) / T, k / T);
        assert.ok(Math.abs(c * k - 1) < 1e-11, `T = ${T}, k = ${k}: ${c}`);
      }
    }
    const cos = scheduleFromName("cosine-md4");
    const direct = (cos.alpha(0.3) - cos.alpha(0.4)) / (1 - cos.alpha(0.4));
    assert.ok(Math.abs(discreteCoefficient(cos, 0.3, 0.4) - direct) < 1e-14);
  });

  test("true denoiser: discrete NELBO ≥ continuous and decreases toward it as T grows", () => {
    const linear = scheduleFromName("linear");
    const H = entropy(joint);
    const bounds = [1, 2, 4, 16, 256].map((T) => expectationOverJoint(joint, (x) => exactDiscreteNelbo(truth, x, linear, T)));
    // T = 1 reveals all tokens at once from the all-mask state: the bound is Σ_i H(x_i).
    assert.ok(Math.abs(bounds[0]! - marginalEntropySum(joint)) < 1e-12, `${bounds[0]} vs ${marginalEntropySum(joint)}`);
    for (let j = 1; j < bounds.length; j++) assert.ok(bounds[j]! < bounds[j - 1]!, `T-bounds ${bounds}`);
    assert.ok(bounds[4]! > H, `${bounds[4]} vs H = ${H}`);
    // The gap comes from tokens revealed in the same step, O(1/T): 16× more steps shrink it well beyond 8×.
    assert.ok(bounds[4]! - H < (bounds[3]! - H) / 8, `gaps ${bounds[3]! - H}, ${bounds[4]! - H}`);
  });
});

describe("Monte-Carlo NELBO estimators agree with the exact values", () => {
  const continuousCases: [string, Denoiser, Int32Array | JointDistribution, string, ContinuousNelboOptions][] = [
    ["true denoiser, x ~ p, linear, tMin = 1e-3", truth, joint, "linear", { tMin: 1e-3, sampling: "antithetic" }],
    ["static wrong model, cosine-md4, stratified, tMin = 0.05", wrongStatic, X, "cosine-md4", { tMin: 0.05, sampling: "stratified" }],
    ["timed wrong model, linear+squash, tMin = 0", wrongTimed, X, "linear+squash", { sampling: "antithetic" }],
    ["timed wrong model, geometric, tMin = 0", wrongTimed, X, "geometric", { sampling: "stratified" }],
  ];
  for (const [what, model, x, name, opts] of continuousCases) {
    test(`continuous: ${what}`, () => {
      const schedule: Schedule = scheduleFromName(name);
      const rng = new Rng(100);
      const mc = monteCarlo(2000, () => continuousNelbo(model, batchOf(x, 16, rng), schedule, rng, opts));
      const exact = x instanceof Int32Array
        ? exactContinuousNelbo(model, x, schedule, { tMin: opts.tMin })
        : expectationOverJoint(x, (xi) => exactContinuousNelbo(model, xi, schedule, { tMin: opts.tMin }));
      within3Se(mc, exact, what);
    });
  }

  const discreteCases: [string, Denoiser, string, number, "antithetic" | "stratified"][] = [
    ["timed wrong model, cosine-md4, T = 16", wrongTimed, "cosine-md4", 16, "antithetic"],
    ["static wrong model, linear+squash, T = 4", wrongStatic, "linear+squash", 4, "stratified"],
    ["true denoiser, log-linear, T = 2", truth, "log-linear", 2, "antithetic"],
  ];
  for (const [what, model, name, T, sampling] of discreteCases) {
    test(`discrete: ${what}`, () => {
      const schedule = scheduleFromName(name);
      const rng = new Rng(200);
      const mc = monteCarlo(2000, () => discreteNelbo(model, batchOf(X, 16, rng), schedule, T, rng, { sampling }));
      within3Se(mc, exactDiscreteNelbo(model, X, schedule, T), what);
    });
  }

  test("squash: exact value = ∫ over u = α ∈ [ε, 1 − ε] plus L·ε·log V (computed independently)", () => {
    const eps = 1e-4;
    let expected = L * eps * Math.log(V);
    for (let M = 1; M < 1 << L; M++) {
      // Cross-entropy of the masked positions, by hand: log-softmax of the raw logits.
      const z = X.map((xi, i) => (M & (1 << i) ? V : xi));
      const logits = wrongStatic.predict({ tokens: z, batch: 1, length: L }, Float64Array.of(0));
      let ce = 0;
      let m = 0;
      for (let i = 0; i < L; i++) {
        if (!(M & (1 << i))) continue;
        m++;
        const row = logits.subarray(i * V, (i + 1) * V);
        ce += Math.log(row.reduce((a, l) => a + Math.exp(l), 0)) - row[X[i]!]!;
      }
      // ∫_ε^{1−ε} u^(L−m)(1−u)^(m−1) du, expanding (1 − u)^(m−1) binomially.
      let integral = 0;
      for (let j = 0, binom = 1; j <= m - 1; binom = (binom * (m - 1 - j)) / (j + 1), j++) {
        const p = L - m + j + 1;
        integral += (binom * (-1) ** j * ((1 - eps) ** p - eps ** p)) / p;
      }
      expected += ce * integral;
    }
    for (const name of ["linear+squash", "cosine-md4+squash"]) {
      const exact = exactContinuousNelbo(wrongStatic, X, scheduleFromName(name));
      assert.ok(Math.abs(exact - expected) < 1e-10, `${name}: ${exact} vs ${expected}`);
    }
  });
});

describe("metrics", () => {
  test("summary of equal-length sequences", () => {
    const s = summarizeNelbo([2, 4, 6], 2); // per-token 1, 2, 3: mean 2, sample std 1
    assert.equal(s.nats_per_token, 2);
    assert.ok(Math.abs(s.nats_per_token_stderr - 1 / Math.sqrt(3)) < 1e-15);
    assert.ok(Math.abs(s.bpc - 2 / Math.log(2)) < 1e-15);
    assert.ok(Math.abs(s.bpc_stderr - 1 / Math.sqrt(3) / Math.log(2)) < 1e-15);
    assert.ok(Math.abs(s.ppl - Math.exp(2)) < 1e-14);
    assert.equal(s.n_sequences, 3);
    assert.equal(s.tokens, 6);
    assert.equal(formatBound(s), "≤ 2.885 ± 0.833 bpc");
    assert.equal(formatBound(s, "nats", 2), "≤ 2.00 ± 0.58 nats/token");
  });

  test("summary of unequal lengths uses the ratio estimator", () => {
    const s = summarizeNelbo([3, 5], [1, 3]); // R = 8/4 = 2; residuals 3 − 2 = 1, 5 − 6 = −1
    assert.equal(s.nats_per_token, 2);
    assert.ok(Math.abs(s.nats_per_token_stderr - Math.sqrt(2 / 2) / 2) < 1e-15);
    assert.ok(Number.isNaN(summarizeNelbo([1], 4).nats_per_token_stderr));
    assert.throws(() => summarizeNelbo([1, 2], [3]), /lengths/);
  });
});
