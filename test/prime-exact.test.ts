import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { exactDiscreteNelbo, exactNelboTimeAgnostic, expectationOverJoint, gaussLegendre } from "../src/eval/exact.js";
import { patternWeight, primeObjectives, primeStepBound, truePosteriorModel, type PrimeModel } from "../src/eval/prime-exact.js";
import { DigitCodec } from "../src/methods/prime/digits.js";
import { entropyOf, randomJoint, randomLogitTable, restrictedModel } from "./helpers/prime-models.js";
import { functionDenoiser, type JointDistribution } from "./helpers/table-denoiser.js";

const linear = scheduleFromName("linear");
const close = (a: number, b: number, tol: number, what = ""): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const expectJoint = (d: JointDistribution, codec: DigitCodec, m: PrimeModel): number => expectationOverJoint(d, (x) => primeObjectives(m, codec, x).joint);
const expectMarg = (d: JointDistribution, codec: DigitCodec, m: PrimeModel): number => expectationOverJoint(d, (x) => primeObjectives(m, codec, x).marginal);
const expectStep = (d: JointDistribution, codec: DigitCodec, m: PrimeModel, T: number): number =>
  expectationOverJoint(d, (x) => primeStepBound(m, codec, x, linear, T));

/** Entropy of the marginal of the digits in bit set keep (over ℓ digits) of a one-token distribution, by base-b arithmetic. */
function digitSubsetEntropy(p: Float64Array, b: number, ell: number, keep: number): number {
  const m = new Map<string, number>();
  p.forEach((pc, c) => {
    const key: number[] = [];
    for (let j = 0; j < ell; j++) if (keep & (1 << j)) key.push(Math.floor(c / b ** (ell - 1 - j)) % b);
    m.set(key.join(","), (m.get(key.join(",")) ?? 0) + pc);
  });
  return entropyOf([...m.values()]);
}

describe("patternWeight", () => {
  test("hand values of B(k, n − k + 1)", () => {
    for (const [k, n, w] of [[1, 1, 1], [1, 2, 1 / 2], [2, 2, 1 / 2], [1, 3, 1 / 3], [2, 3, 1 / 6], [3, 3, 1 / 3], [2, 4, 1 / 12]] as const) close(patternWeight(k, n), w, 1e-15, `k=${k} n=${n}`);
    assert.throws(() => patternWeight(0, 3), /1 ≤ k ≤ n/);
  });

  test("equals ∫ w(t)(1 − α)^k α^(n−k) dt by quadrature under several schedules (schedule invariance)", () => {
    const { nodes, weights } = gaussLegendre(20);
    for (const name of ["linear", "cosine-md4", "poly2", "poly:0.5"]) {
      const sch = scheduleFromName(name);
      for (const [k, n] of [[1, 4], [2, 4], [4, 4], [3, 6]] as const) {
        let total = 0;
        for (let j = 0; j < 60; j++) { // panels graded toward t = 0, where w ~ 1/t
          const hi = 2 ** -j;
          const lo = j === 59 ? 0 : 2 ** -(j + 1);
          nodes.forEach((xi, q) => {
            const t = lo + ((hi - lo) * (xi + 1)) / 2;
            total += ((hi - lo) / 2) * weights[q]! * sch.weight(t) * sch.maskProb(t) ** k * sch.alpha(t) ** (n - k);
          });
        }
        close(total, patternWeight(k, n), 1e-8, `${name} k=${k} n=${n}`);
      }
    }
  });
});

describe("truePosteriorModel", () => {
  test("rows are the enumerated posterior, zero outside the consistent set", () => {
    const d = randomJoint(3, 2, 4);
    const codec = new DigitCodec(3, 2); // base 2: class c has digits (c >> 1, c & 1)
    const m = truePosteriorModel(d, codec);
    // token 0 digit 0 visible = 0 → classes {0, 1}; token 1 fully masked
    const y = Int32Array.of(0, 2, 2, 2);
    const p = m(y);
    const px = (a: number, b: number): number => d.probs[a * 3 + b]!;
    const z = [0, 1].reduce((s, a) => s + [0, 1, 2].reduce((t, b) => t + px(a, b), 0), 0);
    close(p[0]!, (px(0, 0) + px(0, 1) + px(0, 2)) / z, 1e-15, "token 0 class 0");
    close(p[1]!, (px(1, 0) + px(1, 1) + px(1, 2)) / z, 1e-15, "token 0 class 1");
    assert.equal(p[2], 0);
    for (let c = 0; c < 3; c++) close(p[3 + c]!, (px(0, c) + px(1, c)) / z, 1e-15, `token 1 class ${c}`);
  });
});

describe("Prime objectives with the perfect model", () => {
  for (const [C, seed] of [[16, 1], [12, 2], [9, 3]] as const) {
    test(`one token, ℓ = 2, C = ${C}: L_marg = H and L_joint = H − ½·I(digit 0; digit 1)`, () => {
      const d = randomJoint(C, 1, seed, 2);
      const codec = new DigitCodec(C, 2);
      const m = truePosteriorModel(d, codec);
      const H = entropyOf(d.probs);
      const b = codec.base;
      const I = digitSubsetEntropy(d.probs, b, 2, 1) + digitSubsetEntropy(d.probs, b, 2, 2) - H;
      assert.ok(I > 1e-3, `digits should be dependent, I = ${I}`);
      close(expectMarg(d, codec, m), H, 1e-9, "L_marg");
      close(expectJoint(d, codec, m), H - I / 2, 1e-9, "L_joint");
    });
  }

  for (const [C, seed] of [[27, 4], [7, 5]] as const) {
    test(`one token, ℓ = 3, C = ${C}: L_joint < H by the gap from digit-marginal entropies`, () => {
      const d = randomJoint(C, 1, seed, 2);
      const codec = new DigitCodec(C, 3);
      const m = truePosteriorModel(d, codec);
      const H = entropyOf(d.probs);
      // L_joint = Σ_{M ≠ ∅} B(|M|, 4 − |M|)·H(x | visible digits) and H(x | visible) = H − H(visible digits)
      const w = [0, 1 / 3, 1 / 6, 1 / 3];
      let expected = 0;
      for (let M = 1; M < 8; M++) expected += w[[...M.toString(2)].filter((c) => c === "1").length]! * (H - digitSubsetEntropy(d.probs, codec.base, 3, 7 & ~M));
      const joint = expectJoint(d, codec, m);
      close(joint, expected, 1e-9, "L_joint");
      assert.ok(H - joint > 1e-3, `gap ${H - joint}`);
      close(expectMarg(d, codec, m), H, 1e-9, "L_marg");
    });
  }

  test("§3.7's magnitudes: on peaky random distributions the joint form is 5–25 % below H", () => {
    // the reference's own draws (unknown) gave joint/H = 0.85 (C=16, ℓ=2), 0.86 (C=27, ℓ=3), 0.91 (C=7, ℓ=3)
    for (const [C, ell] of [[16, 2], [27, 3], [7, 3]] as const) {
      const codec = new DigitCodec(C, ell);
      let ratio = 0;
      for (let seed = 1; seed <= 5; seed++) {
        const d = randomJoint(C, 1, 100 + seed, 2);
        const H = entropyOf(d.probs);
        const m = truePosteriorModel(d, codec);
        const joint = expectJoint(d, codec, m);
        assert.ok(joint < H, `C=${C} seed ${seed}: ${joint} ≥ ${H}`);
        close(expectMarg(d, codec, m), H, 1e-9, "L_marg");
        ratio += joint / H / 5;
      }
      assert.ok(ratio > 0.75 && ratio < 0.95, `C=${C} ℓ=${ell}: mean joint/H = ${ratio}`);
    }
  });

  test("two dependent tokens: L_marg = H; the T-step bound is Σ_i H(x^i) at T = 1 and falls to H like 1/T", () => {
    const d = randomJoint(3, 2, 5, 1.5);
    const codec = new DigitCodec(3, 2);
    const m = truePosteriorModel(d, codec);
    const H = entropyOf(d.probs);
    close(expectMarg(d, codec, m), H, 1e-9, "L_marg");
    const marg0 = [0, 1, 2].map((a) => d.probs[3 * a]! + d.probs[3 * a + 1]! + d.probs[3 * a + 2]!);
    const marg1 = [0, 1, 2].map((b) => d.probs[b]! + d.probs[3 + b]! + d.probs[6 + b]!);
    close(expectStep(d, codec, m, 1), entropyOf(marg0) + entropyOf(marg1), 1e-9, "T = 1");
    // tokens are independent given y_t under the model but not under the data, so every finite T pays a gap
    let prev = Infinity;
    for (const T of [1, 2, 4, 8, 16, 32, 64]) {
      const gap = expectStep(d, codec, m, T) - H;
      assert.ok(gap > 0 && gap < prev, `T=${T}: gap ${gap} after ${prev}`);
      if (T > 8) close(gap / prev, 0.5, 0.02, `halving at T=${T}`);
      prev = gap;
    }
  });

  test("one token: the T-step bound equals H for every T (the restricted joint is the exact digit joint)", () => {
    const d = randomJoint(10, 1, 6, 2);
    const codec = new DigitCodec(10, 3);
    const m = truePosteriorModel(d, codec);
    for (const T of [1, 2, 5, 17]) close(expectStep(d, codec, m, T), entropyOf(d.probs), 1e-9, `T=${T}`);
  });
});

describe("Prime objectives with an imperfect model", () => {
  const d = randomJoint(3, 2, 7, 1);
  const codec = new DigitCodec(3, 2);
  const m = restrictedModel(codec, randomLogitTable(codec, 2, 8));
  const H = entropyOf(d.probs);

  test("L_marg and the T-step bounds stay above H; the T-step bound tends to L_marg", () => {
    const marg = expectMarg(d, codec, m);
    assert.ok(marg > H, `${marg} vs ${H}`);
    const gaps = [1, 4, 16, 64, 256].map((T) => expectStep(d, codec, m, T) - marg);
    for (const T of [1, 4, 16, 64, 256]) assert.ok(expectStep(d, codec, m, T) > H);
    assert.ok(Math.abs(gaps[4]!) < 0.01 * Math.abs(gaps[0]!) && Math.abs(gaps[4]!) < 0.01, `gaps ${gaps.join(", ")}`);
  });

  test("ℓ = 1: L_joint = L_marg = MD4's exact NELBO and the T-step bound = MD4's discrete NELBO", () => {
    const dd = randomJoint(3, 3, 9, 1);
    const c1 = new DigitCodec(3, 1);
    const logits = randomLogitTable(c1, 3, 10);
    const prime = restrictedModel(c1, logits);
    const md4 = functionDenoiser(3, false, (z) => logits(z)); // same states: mask = 3 in both
    const perfect = truePosteriorModel(dd, c1);
    for (let n = 0; n < 27; n += 5) {
      const x = Int32Array.of(Math.floor(n / 9), Math.floor(n / 3) % 3, n % 3);
      const obj = primeObjectives(prime, c1, x);
      const ref = exactNelboTimeAgnostic(md4, x);
      close(obj.joint, ref, 1e-9, "joint");
      close(obj.marginal, ref, 1e-9, "marginal");
      for (const T of [1, 3, 8]) close(primeStepBound(prime, c1, x, linear, T), exactDiscreteNelbo(md4, x, linear, T), 1e-9, `T=${T}`);
      const po = primeObjectives(perfect, c1, x);
      close(po.joint, po.marginal, 1e-12, "perfect model, ℓ = 1");
    }
  });
});
