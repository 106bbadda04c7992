// The 2-D toy: the factorized output head against independent per-digit softmaxes (with and without unused
// codes, with visible digits), the exact fixed-order sampler law against a hand enumeration of its steps,
// the true posterior reproducing the truth exactly, and a short training run end to end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { noGrad, randn, tensor, tidy } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import type { Denoiser, States } from "../src/diffusion/denoiser.js";
import { consistentSet, restrictedLogProbs } from "../src/diffusion/parameterization.js";
import { linear } from "../src/diffusion/schedules.js";
import { gridDensity, klDivergence } from "../src/data/grid-density.js";
import { evalGridToy, fixedOrderLaw, fixedOrderStates, gridToyConfig, poolDensity, trainGridToy } from "../src/eval/grid-toy.js";
import { truePosteriorModel } from "../src/eval/prime-exact.js";
import { DigitCodec } from "../src/methods/prime/digits.js";
import { digitLogitIndex, FactorizedHead } from "../src/methods/prime/factorized-head.js";
import { prime } from "../src/methods/prime/index.js";
import { ModulatedHead } from "../src/models/output-head.js";
import { randomJoint } from "./helpers/prime-models.js";

/** softmax of a row. */
function softmax(a: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(a));
  const e = Array.from(a, (v) => Math.exp(v - m));
  const z = e.reduce((x, y) => x + y, 0);
  return e.map((v) => v / z);
}

test("digitLogitIndex points class c's digit-j logit at j·b + digit_j(c)", () => {
  const codec = new DigitCodec(12, 2); // b = 4
  const idx = digitLogitIndex(codec.layout);
  assert.equal(idx.length, 24);
  assert.deepEqual(Array.from(idx.subarray(0, 12)), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  assert.deepEqual(Array.from(idx.subarray(12)), [4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7]);
});

test("the factorized head's restricted class law is the product of per-digit softmaxes (b^ℓ = C), renormalised over valid codes (b^ℓ > C)", () => {
  for (const [C, ell] of [[16, 2], [27, 3], [12, 2], [7, 3]] as const) {
    const codec = new DigitCodec(C, ell);
    const { base: b, maskDigit: M } = codec;
    const head = new FactorizedHead(8, 4, codec.layout);
    noGrad(() =>
      tidy(() => {
        for (const p of head.parameters()) p.copyInPlace(randn(p.shape).mul(0.7)); // ada included, so the modulation is not zero
        const [B, n] = [3, 2];
        const h = randn([B, n, 8]);
        const c = randn([B, 4]);
        const a = head.digitLogits(h, c).toFloat64Array(); // [B, n, ℓ, b]
        const logits = head.forward(h, c);
        assert.deepEqual(logits.shape, [B, n, C]);
        // states: token 0 fully masked, token 1 with digit 0 visible (= 1) and the rest masked; then a fully visible token
        const row = (y0: number[], y1: number[]) => [...y0, ...y1];
        const masked = Array(ell).fill(M);
        const partial = [1, ...Array(ell - 1).fill(M)];
        const visible = Array.from(codec.encode(Int32Array.of(C - 1)));
        const states = [row(masked, partial), row(partial, masked), row(visible, masked)];
        const lp = restrictedLogProbs(consistentSet(codec.layout), logits.to("float64"), tensor(states.flat(), [B, n * ell], { dtype: "int64" })).toFloat64Array();
        for (let r = 0; r < B; r++) {
          for (let i = 0; i < n; i++) {
            const y = states[r]!.slice(i * ell, (i + 1) * ell);
            const digitProbs = Array.from({ length: ell }, (_, j) => softmax(a.subarray(((r * n + i) * ell + j) * b, ((r * n + i) * ell + j + 1) * b)));
            // independent reference: Π over masked digits of softmax(a_j), zero where a visible digit disagrees, renormalised over c < C
            const want = Array.from({ length: C }, (_, cls) => {
              let p = 1;
              for (let j = 0; j < ell; j++) {
                const dj = codec.digitTable[j * C + cls]!;
                p *= y[j] === M ? digitProbs[j]![dj]! : y[j] === dj ? 1 : 0;
              }
              return p;
            });
            const z = want.reduce((x, v) => x + v, 0);
            if (b ** ell === C && y.every((d) => d === M)) assert.ok(Math.abs(z - 1) < 1e-6, "b^ℓ = C: the product already sums to 1");
            for (let cls = 0; cls < C; cls++) {
              const got = Math.exp(lp[(r * n + i) * C + cls]!);
              assert.ok(Math.abs(got - want[cls]! / z) < 1e-5, `C=${C} ℓ=${ell} row ${r} token ${i} class ${cls}: ${got} vs ${want[cls]! / z}`);
            }
          }
        }
      }),
    );
  }
});

test("prime.build picks the head from method.joint; the factorized loss trains (finite, with gradients)", () => {
  const base = { ell: 2, joint: true, steps: 1, batch: 4, lr: 1e-3, d: 8, layers: 1, heads: 2, cond: 8, seed: 0 };
  const joint = prime.build(gridToyConfig(base), 16);
  const fact = prime.build(gridToyConfig({ ...base, joint: false }), 16);
  assert.ok((joint.network as unknown as { head: unknown }).head instanceof ModulatedHead);
  assert.ok((fact.network as unknown as { head: unknown }).head instanceof FactorizedHead);
  const out = (m: typeof joint) => Object.fromEntries(m.network.namedParameters().map(([k, p]) => [k, p.shape.join("x")]))["out.weight"];
  assert.equal(out(joint), "16x8");
  assert.equal(out(fact), "8x8", "ℓ·b = 2·4 per-digit logits");
  assert.match(prime.describe(gridToyConfig({ ...base, joint: false })), /factorized/);
  assert.doesNotMatch(prime.describe(gridToyConfig(base)), /factorized/);
  tidy(() => {
    const x = tensor([0, 5, 15, 3, 7, 7, 1, 2], [4, 2], { dtype: "int64" });
    const { loss } = fact.loss({ x, t: Float64Array.of(0.2, 0.5, 0.7, 0.95), schedule: linear() });
    assert.ok(Number.isFinite(loss.item()));
    loss.backward();
    const g = fact.network.namedParameters().find(([k]) => k === "out.weight")![1].grad!;
    assert.ok(g.abs().sum().item() > 0);
  });
});

/** A time-agnostic denoiser whose logits are a fixed pseudo-random function of the state (one table row per distinct state). */
function tableDenoiser(codec: DigitCodec, seed: number, timeConditioned = false): Denoiser {
  const rows = new Map<string, Float64Array>();
  const rng = new Rng(seed);
  const C = codec.classes;
  return {
    layout: codec.layout,
    parameterization: consistentSet(codec.layout),
    timeConditioned,
    predict(s: States): Float64Array {
      const out = new Float64Array(s.batch * 2 * C);
      for (let r = 0; r < s.batch; r++) {
        const key = s.tokens.subarray(r * s.length, (r + 1) * s.length).join(",");
        if (!rows.has(key)) rows.set(key, Float64Array.from({ length: 2 * C }, () => 3 * (rng.next() - 0.5)));
        out.set(rows.get(key)!, r * 2 * C);
      }
      return out;
    },
  };
}

/** The restricted probabilities [2·C] of one state, computed in JS from the denoiser's logits with consistentClasses. */
function restricted(den: Denoiser, codec: DigitCodec, y: Int32Array): Float64Array {
  const { classes: C, ell } = codec;
  const lg = den.predict({ tokens: y, batch: 1, length: 2 * ell }, Float64Array.of(1));
  const out = new Float64Array(2 * C);
  for (let i = 0; i < 2; i++) {
    const allowed = codec.consistentClasses(y.subarray(i * ell, (i + 1) * ell));
    let z = 0;
    for (const c of allowed) z += Math.exp(lg[i * C + c]!);
    for (const c of allowed) out[i * C + c] = Math.exp(lg[i * C + c]!) / z;
  }
  return out;
}

/** The fixed-order law by hand: walk the 2ℓ reveal steps of each (x0, x1), multiplying digit marginals summed over classes. */
function handLaw(den: Denoiser, codec: DigitCodec): Float64Array {
  const { classes: C, ell, maskDigit: M } = codec;
  const law = new Float64Array(C * C);
  for (let x0 = 0; x0 < C; x0++) {
    for (let x1 = 0; x1 < C; x1++) {
      const target = codec.encode(Int32Array.of(x0, x1));
      const y = new Int32Array(2 * ell).fill(M);
      let q = 1;
      for (let k = 0; k < 2 * ell; k++) {
        const p = restricted(den, codec, y);
        const [i, j] = [Math.floor(k / ell), k % ell];
        let marg = 0;
        for (let c = 0; c < C; c++) if (codec.digitTable[j * C + c] === target[k]) marg += p[i * C + c]!;
        q *= marg;
        y[k] = target[k]!;
      }
      law[x0 * C + x1] = q;
    }
  }
  return law;
}

test("the exact fixed-order law equals a hand enumeration of the sampler's steps and sums to 1", () => {
  for (const [C, ell] of [[16, 2], [12, 2], [7, 3], [5, 1]] as const) {
    const codec = new DigitCodec(C, ell);
    const den = tableDenoiser(codec, 11 + C);
    const law = fixedOrderLaw(den, { batch: 7 }); // a small batch exercises the batching
    const want = handLaw(den, codec);
    for (let k = 0; k < C * C; k++) assert.ok(Math.abs(law[k]! - want[k]!) < 1e-13, `C=${C} ℓ=${ell} cell ${k}: ${law[k]} vs ${want[k]}`);
    assert.ok(Math.abs(law.reduce((a, b) => a + b, 0) - 1) < 1e-12, `C=${C} ℓ=${ell}: the law sums to 1`);
  }
  assert.throws(() => fixedOrderLaw(tableDenoiser(new DigitCodec(16, 2), 1, true)), /time-conditioned/);
});

test("prefix-state counts: 513 (ℓ = 1), 24·513 (ℓ = 2), 73·513 (ℓ = 3), 511·513 = 262 143 (ℓ = 9) for C = 512", () => {
  assert.equal(fixedOrderStates(512, 512, 1), 513);
  assert.equal(fixedOrderStates(512, 23, 2), 24 * 513);
  assert.equal(fixedOrderStates(512, 8, 3), 73 * 513);
  assert.equal(fixedOrderStates(512, 2, 9), 511 * 513);
  assert.equal(fixedOrderStates(12, 4, 2), (1 + 3) * 13, "digit 0 = 3 only leads to unused codes 12..15");
});

test("with the true posterior as the model, the fixed-order law is the truth (KL = 0)", () => {
  for (const [C, ell] of [[16, 2], [7, 3]] as const) {
    const codec = new DigitCodec(C, ell);
    const joint = randomJoint(C, 2, 5, 1.5);
    const model = truePosteriorModel(joint, codec);
    const den: Denoiser = {
      layout: codec.layout,
      parameterization: consistentSet(codec.layout),
      timeConditioned: false,
      predict(s: States): Float64Array {
        const out = new Float64Array(s.batch * 2 * C);
        for (let r = 0; r < s.batch; r++) out.set(Array.from(model(s.tokens.subarray(r * s.length, (r + 1) * s.length)), Math.log), r * 2 * C);
        return out;
      },
    };
    const law = fixedOrderLaw(den);
    for (let k = 0; k < C * C; k++) assert.ok(Math.abs(law[k]! - joint.probs[k]!) < 1e-13, `C=${C} ℓ=${ell} cell ${k}`);
    assert.ok(Math.abs(klDivergence(joint.probs, law)) < 1e-12);
  }
});

test("poolDensity sums k × k blocks", () => {
  const d = { size: 4, probs: Float64Array.from({ length: 16 }, (_, k) => k / 120) };
  const p = poolDensity(d, 2);
  assert.equal(p.size, 2);
  assert.deepEqual(Array.from(p.probs, (v) => Math.round(v * 120)), [0 + 1 + 4 + 5, 2 + 3 + 6 + 7, 8 + 9 + 12 + 13, 10 + 11 + 14 + 15]);
  assert.throws(() => poolDensity(d, 3), /does not divide/);
});

test("a short toy run on a 16 × 16 grid trains both heads and scores a law of mass 1", () => {
  const density = gridDensity({ seed: 3, size: 16, rings: 1, blobs: 1 });
  for (const joint of [true, false]) {
    const trained = trainGridToy(density, { ell: 2, joint, steps: 40, batch: 32, lr: 3e-3, warmup: 5, d: 16, layers: 1, heads: 2, cond: 16, seed: 1 });
    assert.ok(Number.isFinite(trained.finalLoss));
    const s = evalGridToy(density, trained, { seed: 1, heldOut: 512 });
    assert.ok(Math.abs(s.lawMass - 1) < 1e-9);
    assert.ok(s.kl > 0 && Number.isFinite(s.kl));
    assert.equal(s.states, 5 * 17);
    assert.ok(Number.isFinite(s.nelbo.mean) && s.nelbo.se > 0);
  }
});
