// MDM-Prime through the method seam: the tensor parameterization against an independent enumeration of the
// consistent set, the float64 estimators against exact enumeration, the tensor training terms against the
// float64 ones (and finite differences), and the digit-level samplers against their exact one-step laws.
import assert from "node:assert/strict";
import { test } from "node:test";
import { noGrad, randn, tensor, tidy } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import type { Denoiser, States } from "../src/diffusion/denoiser.js";
import { continuousNelbo } from "../src/diffusion/losses/continuous.js";
import { discreteNelbo } from "../src/diffusion/losses/discrete.js";
import { digitCrossEntropy, jointCrossEntropy } from "../src/diffusion/losses/token-terms.js";
import { tokenNll } from "../src/diffusion/losses/weighted-nll.js";
import { consistentSet, logProbsFloat64, restrictedLogProbs } from "../src/diffusion/parameterization.js";
import { ancestralPolicy, planProbabilities, remdmCapPolicy, sample, type RemaskingPolicy } from "../src/diffusion/samplers/index.js";
import { stepContext } from "../src/diffusion/samplers/step-context.js";
import { repeatedStep } from "./helpers/repeated-step.js";
import { linear } from "../src/diffusion/schedules.js";
import { symbolOf } from "../src/diffusion/state-layout.js";
import { primeObjectives, primeStepBound, truePosteriorModel, type PrimeModel } from "../src/eval/prime-exact.js";
import { expectationOverJoint } from "../src/eval/exact.js";
import { DigitCodec } from "../src/methods/prime/digits.js";
import { digitNll } from "../src/methods/prime/loss.js";
import { SuperTokenCodec } from "../src/methods/prime/super-tokens.js";
import { idleStepStats } from "../src/diffusion/idle-steps.js";
import { assertFits } from "./helpers/chi-square.js";
import { digitStateIndex, randomJoint, randomLogitTable, restrictedModel } from "./helpers/prime-models.js";

/** Every digit state of n positions over base b (mask = b). */
function allStates(n: number, b: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let k = 0; k < (b + 1) ** n; k++) {
    const y = new Int32Array(n);
    for (let i = n - 1, r = k; i >= 0; i--, r = Math.floor(r / (b + 1))) y[i] = r % (b + 1);
    out.push(y);
  }
  return out;
}

/** A Denoiser whose logits are log of a PrimeModel's restricted joint (time-agnostic). */
function modelDenoiser(codec: DigitCodec, model: PrimeModel): Denoiser {
  const layout = codec.layout;
  return {
    layout,
    parameterization: consistentSet(layout),
    timeConditioned: false,
    predict(states: States): Float64Array {
      const out: number[] = [];
      for (let b = 0; b < states.batch; b++) out.push(...Array.from(model(states.tokens.subarray(b * states.length, (b + 1) * states.length)), Math.log));
      return Float64Array.from(out);
    },
  };
}

/** Mean and standard error of Monte-Carlo values. */
function meanSe(v: number[]): { mean: number; se: number } {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
  return { mean: m, se: Math.sqrt(s2 / v.length) };
}

test("the tensor consistent-set restriction equals an enumeration of consistent classes on every digit state", () => {
  for (const [C, ell, L] of [[7, 3, 2], [27, 3, 1], [12, 2, 2]] as const) {
    const codec = new DigitCodec(C, ell);
    const logits = randomLogitTable(codec, L, 5);
    const reference = restrictedModel(codec, logits);
    for (const y of allStates(L * ell, codec.base)) {
      const empty = Array.from({ length: L }, (_, i) => codec.consistentClasses(y.subarray(i * ell, (i + 1) * ell)).length === 0).some(Boolean);
      if (empty) {
        assert.throws(() => logProbsFloat64(consistentSet(codec.layout), logits(y), y, 1, L * ell, C), /no class with finite probability/);
        continue;
      }
      const lp = logProbsFloat64(consistentSet(codec.layout), logits(y), y, 1, L * ell, C);
      const want = reference(y);
      for (let k = 0; k < want.length; k++) assert.ok(Math.abs(Math.exp(lp[k]!) - want[k]!) < 1e-12, `C=${C} ℓ=${ell} state ${Array.from(y)} class ${k}`);
    }
  }
});

test("Monte-Carlo estimates of the certified, paper and T-step forms fall within 3 s.e. of their enumerated values", () => {
  const codec = new DigitCodec(7, 3); // base 2, one unused code
  const L = 2;
  const joint = randomJoint(7, L, 3, 1.5);
  const schedule = linear();
  for (const [name, model] of [["true posterior", truePosteriorModel(joint, codec)], ["imperfect", restrictedModel(codec, randomLogitTable(codec, L, 9))]] as const) {
    const den = modelDenoiser(codec, model);
    const exact = { joint: 0, marginal: 0, step: 0 };
    exact.joint = expectationOverJoint(joint, (x) => primeObjectives(model, codec, x).joint);
    exact.marginal = expectationOverJoint(joint, (x) => primeObjectives(model, codec, x).marginal);
    exact.step = expectationOverJoint(joint, (x) => primeStepBound(model, codec, x, schedule, 4));
    const rng = new Rng(17);
    const draws = { joint: [] as number[], marginal: [] as number[], step: [] as number[] };
    for (let r = 0; r < 300; r++) {
      const xs = new Int32Array(64 * L);
      for (let b = 0; b < 64; b++) {
        let u = rng.next();
        let n = 0;
        while (n < joint.probs.length - 1 && u >= joint.probs[n]!) u -= joint.probs[n++]!;
        xs[b * L] = Math.floor(n / 7);
        xs[b * L + 1] = n % 7;
      }
      const x = { tokens: xs, batch: 64, length: L };
      draws.marginal.push(...continuousNelbo(den, x, schedule, rng, { tMin: 1e-4, integrand: "digit" }));
      draws.joint.push(...continuousNelbo(den, x, schedule, rng, { tMin: 1e-4, integrand: "joint" }));
      draws.step.push(...discreteNelbo(den, x, schedule, 4, rng));
    }
    for (const k of ["joint", "marginal", "step"] as const) {
      const { mean, se } = meanSe(draws[k]);
      // tMin = 1e-4 leaves out at most 1e-4·(Lℓ)·max CE ≈ 0.01 of the continuous forms
      const slack = k === "step" ? 0 : 0.01;
      assert.ok(Math.abs(mean - exact[k]) <= 3 * se + slack, `${name} ${k}: MC ${mean.toFixed(4)} ± ${se.toFixed(4)} vs exact ${exact[k].toFixed(4)}`);
    }
    if (name === "true posterior") assert.ok(exact.joint < exact.marginal - 0.05, "the paper form of a perfect model sits below the certified form");
  }
});

test("the tensor training terms equal the float64 token terms, and the per-digit gradient matches finite differences", () => {
  const codec = new DigitCodec(27, 3);
  const { layout } = codec;
  const B = 3, n = 5, ell = 3, C = 27;
  const rng = new Rng(4);
  const x = Int32Array.from({ length: B * n }, () => Math.floor(rng.next() * C));
  const y0 = codec.encode(x);
  const z = y0.map((d) => (rng.next() < 0.55 ? codec.maskDigit : d));
  tidy(() => {
    const logits = randn([B, n, C]).mul(2).to("float64");
    const zT = tensor(z, [B, n * ell], { dtype: "int64" });
    const y0T = tensor(y0, [B, n * ell], { dtype: "int64" });
    const masked = zT.eq(codec.maskDigit);
    const digits = tensor(layout.digitTable, [ell, C], { dtype: "int64" });
    const lp = restrictedLogProbs(consistentSet(layout), logits, zT);
    const dn = digitNll(lp.to("float32"), y0T, masked, layout, digits).sum(-1).toFloat64Array();
    const lpJs = logProbsFloat64(consistentSet(layout), logits.toFloat64Array(), z, B, n * ell, C);
    const states = { tokens: z, batch: B, length: n * ell };
    const clean = { tokens: y0, batch: B, length: n * ell };
    const wantDigit = digitCrossEntropy(lpJs, states, clean, layout);
    for (let b = 0; b < B; b++) assert.ok(Math.abs(dn[b]! - wantDigit[b]!) < 1e-4 * (1 + wantDigit[b]!), `digit form, row ${b}: ${dn[b]} vs ${wantDigit[b]}`);
    const anyMasked = masked.reshape(B, n, ell).to("float32").sum(-1).gt(0);
    const jt = tokenNll(lp, tensor(x, [B, n], { dtype: "int64" })).mul(anyMasked.to("float64")).sum(-1).toFloat64Array();
    const wantJoint = jointCrossEntropy(lpJs, states, clean, layout);
    for (let b = 0; b < B; b++) assert.ok(Math.abs(jt[b]! - wantJoint[b]!) < 1e-9 * (1 + wantJoint[b]!), `joint form, row ${b}`);
    // gradient of the per-digit loss with respect to the logits, float64, against central differences
    const leaf = logits.detach();
    leaf.requiresGrad = true;
    const f = (l: typeof leaf) => digitNll(restrictedLogProbs(consistentSet(layout), l, zT), y0T, masked, layout, digits).sum();
    f(leaf).backward();
    const g = leaf.grad!.toFloat64Array();
    const base = leaf.toFloat64Array();
    for (const k of [0, 7, 40, 100, 200, 404]) {
      const h = 1e-6;
      const plus = base.slice(); plus[k]! += h;
      const minus = base.slice(); minus[k]! -= h;
      const fd = noGrad(() => (f(tensor(plus, [B, n, C], { dtype: "float64" })).item() - f(tensor(minus, [B, n, C], { dtype: "float64" })).item()) / (2 * h));
      assert.ok(Math.abs(fd - g[k]!) < 1e-6, `∂/∂logit[${k}]: autograd ${g[k]} vs finite difference ${fd}`);
    }
  });
});

/** Exact law over next states of one digit-level step on one token: per-position change probabilities q, then one class c ~ μ for the revealed. */
function stepLaw(y: Int32Array, q: Float64Array, mu: Float64Array, codec: DigitCodec): Float64Array {
  const ell = y.length;
  const out = new Float64Array((codec.base + 1) ** ell);
  for (let S = 0; S < 1 << ell; S++) {
    let p = 1;
    for (let j = 0; j < ell; j++) p *= S & (1 << j) ? q[j]! : 1 - q[j]!;
    if (p === 0) continue;
    const revealing = Array.from({ length: ell }, (_, j) => j).filter((j) => S & (1 << j) && y[j] === codec.maskDigit);
    const next = y.slice();
    for (let j = 0; j < ell; j++) if (S & (1 << j) && y[j] !== codec.maskDigit) next[j] = codec.maskDigit;
    if (revealing.length === 0) {
      out[digitStateIndex(next, codec.base)]! += p;
      continue;
    }
    for (let c = 0; c < codec.classes; c++) {
      if (mu[c]! === 0) continue;
      for (const j of revealing) next[j] = symbolOf(codec.layout, c, j);
      out[digitStateIndex(next, codec.base)]! += p * mu[c]!;
    }
  }
  return out;
}

/** q_t over digit states of one token: Σ_x p(x)·Π_j (α at visible, 1 − α at masked). */
function forwardLaw(p: Float64Array, codec: DigitCodec, alpha: number): Float64Array {
  const ell = codec.ell;
  const out = new Float64Array((codec.base + 1) ** ell);
  for (let c = 0; c < codec.classes; c++) {
    for (let M = 0; M < 1 << ell; M++) {
      const y = new Int32Array(ell);
      let w = p[c]!;
      for (let j = 0; j < ell; j++) {
        y[j] = M & (1 << j) ? codec.maskDigit : symbolOf(codec.layout, c, j);
        w *= M & (1 << j) ? 1 - alpha : alpha;
      }
      out[digitStateIndex(y, codec.base)]! += w;
    }
  }
  return out;
}

test("digit-level ReMDM-cap and the Prime ancestral step keep q_s exactly under the true posterior (one token, every state)", () => {
  const codec = new DigitCodec(7, 3);
  const joint = randomJoint(7, 1, 21, 1.2);
  const model = truePosteriorModel(joint, codec);
  const schedule = linear();
  const [t, s] = [0.7, 0.5];
  for (const policy of [ancestralPolicy(), remdmCapPolicy({ etaCap: 0.3 })]) {
    const qt = forwardLaw(joint.probs, codec, schedule.alpha(t));
    const qs = forwardLaw(joint.probs, codec, schedule.alpha(s));
    const after = new Float64Array(qs.length);
    allStates(3, codec.base).forEach((y, idx) => {
      if (qt[idx]! === 0) return;
      const mu = model(y);
      const ctx = stepContext({ layout: codec.layout, tokens: y.slice(), probs: mu, batch: 1, length: 3, t, s, schedule, rng: new Rng(0) });
      const q =
        "plan" in policy
          ? planProbabilities(policy as RemaskingPolicy, ctx)
          : Float64Array.from(y, (d) => (d === codec.maskDigit ? (schedule.maskProb(t) - schedule.maskProb(s)) / schedule.maskProb(t) : 0));
      stepLaw(y, q, mu, codec).forEach((v, k) => (after[k]! += qt[idx]! * v));
    });
    for (let k = 0; k < qs.length; k++) assert.ok(Math.abs(after[k]! - qs[k]!) < 1e-12, `${policy.name}: state ${k}: ${after[k]} vs q_s ${qs[k]}`);
  }
});

test("one digit-level step of the implemented policies fits its exact law (χ²)", () => {
  const codec = new DigitCodec(7, 3);
  const model = restrictedModel(codec, randomLogitTable(codec, 1, 2));
  const schedule = linear();
  const y = Int32Array.of(1, codec.maskDigit, codec.maskDigit);
  const mu = model(y);
  for (const policy of [ancestralPolicy(), remdmCapPolicy({ etaCap: 0.4 })]) {
    const input = { layout: codec.layout, tokens: y, probs: mu, batch: 1, length: 3, t: 0.6, s: 0.35, schedule, rng: new Rng(99) };
    const counts = new Float64Array(27);
    const q = "plan" in policy ? planProbabilities(policy as RemaskingPolicy, stepContext({ ...input, tokens: y.slice() })) : Float64Array.from(y, (d) => (d === codec.maskDigit ? (0.6 - 0.35) / 0.6 : 0));
    for (const tokens of repeatedStep(policy, input, 40000)) counts[digitStateIndex(tokens, codec.base)]!++;
    assertFits(counts, stepLaw(y, q, mu, codec), policy.name);
  }
});

test("the Prime sampler with the true posterior draws a token's exact law; idle steps match the closed form", () => {
  const codec = new DigitCodec(7, 3);
  const joint = randomJoint(7, 1, 8, 1.5);
  const den = modelDenoiser(codec, truePosteriorModel(joint, codec));
  const schedule = linear();
  const r = sample(den, ancestralPolicy(), { batch: 20000, length: 1, steps: 16, schedule, rng: new Rng(5) });
  const counts = new Float64Array(7);
  for (const c of r.tokens) counts[c]!++;
  assertFits(counts, joint.probs, "Prime ancestral, T = 16");
  // idle steps are counted over the whole batch; per sequence the closed form is Σ_k (1 − (α(s) − α(t)))^(Lℓ)
  const one = sample(den, ancestralPolicy(), { batch: 1, length: 1, steps: 16, schedule, rng: new Rng(6) });
  assert.equal(one.stats.nfe, 16 + (one.stats.nfe > 16 ? 1 : 0));
  let idle = 0;
  for (let seed = 0; seed < 400; seed++) idle += sample(den, ancestralPolicy(), { batch: 1, length: 1, steps: 16, schedule, rng: new Rng(seed) }).stats.idleSteps;
  const expected = idleStepStats({ schedule, tokens: 1, ell: 3, steps: 16 }).idle;
  assert.ok(Math.abs(idle / 400 - expected) < 0.35, `mean idle steps ${idle / 400} vs closed form ${expected}`);
});

test("super-tokens (ℓ = 2/2 over pairs of 5-class tokens): the estimators see data tokens and the certified form equals H for the true posterior", () => {
  const codec = new SuperTokenCodec(5, 2, 2); // 25 merged classes as 2 digits of base 5
  const joint = randomJoint(25, 1, 13, 1.5); // a law over pairs of data tokens
  const model = truePosteriorModel(joint, codec.digits);
  const den = { ...modelDenoiser(codec.digits, model), layout: codec.layout, parameterization: consistentSet(codec.layout) };
  const H = -joint.probs.reduce((a, p) => a + (p > 0 ? p * Math.log(p) : 0), 0);
  const rng = new Rng(3);
  const values: number[] = [];
  for (let r = 0; r < 200; r++) {
    const xs = new Int32Array(64 * 2);
    for (let b = 0; b < 64; b++) {
      let u = rng.next();
      let n = 0;
      while (n < 24 && u >= joint.probs[n]!) u -= joint.probs[n++]!;
      xs[2 * b] = Math.floor(n / 5); // data tokens: the merged class's two base-5 digits
      xs[2 * b + 1] = n % 5;
    }
    values.push(...continuousNelbo(den, { tokens: xs, batch: 64, length: 2 }, linear(), rng, { tMin: 1e-4, integrand: "digit" }));
  }
  const { mean, se } = meanSe(values);
  assert.ok(Math.abs(mean - H) <= 3 * se + 0.01, `certified form ${mean} ± ${se} vs H ${H}`);
  const r = sample(den, ancestralPolicy(), { batch: 4000, length: 2, steps: 8, schedule: linear(), rng: new Rng(4) });
  assert.equal(r.tokens.length, 8000, "the sampler returns data tokens");
  const counts = new Float64Array(25);
  for (let b = 0; b < 4000; b++) counts[r.tokens[2 * b]! * 5 + r.tokens[2 * b + 1]!]!++;
  assertFits(counts, joint.probs, "super-token sampler");
});
