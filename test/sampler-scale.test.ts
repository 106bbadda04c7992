/**
 * The sampler at large vocabularies, through the tensor path: the one-step law at V = 8,192 (ancestral, top-p
 * off and both nucleus variants, argmax fill), reproducibility across batch composition and caching with a DiT,
 * and that no B·L·V array crosses from the engine into JavaScript while sampling.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, noGrad, tensor, tidy } from "../src/engine/index.js";
import { native } from "../src/engine/native.js";
import { Rng } from "../src/engine/rng.js";
import type { Denoiser } from "../src/diffusion/denoiser.js";
import { consistentSet } from "../src/diffusion/parameterization.js";
import type { Schedule } from "../src/diffusion/schedule.js";
import { linear } from "../src/diffusion/schedules.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { ancestralPolicy, parseSamplerSpec, sample } from "../src/diffusion/samplers/index.js";
import { DiT } from "../src/models/dit.js";
import { netDenoiser } from "../src/models/net-denoiser.js";
import { assertFits, assertRejects } from "./helpers/chi-square.js";
import { stateDenoiser } from "./helpers/table-denoiser.js";

/** α(t) = (1 − t)/2: one step from t = 1 to 0 reveals each position with probability 1/2; the argmax fill does the rest. */
const half: Schedule = { name: "half", alpha: (t) => (1 - t) / 2, maskProb: (t) => (1 + t) / 2, alphaPrime: () => -0.5, weight: (t) => 1 / (1 + t) };

/** Fixed float32 logits per position (the same for every sequence and state), as a tensor-returning denoiser. */
function fixedTensorDenoiser(rows: Float32Array[], V: number): Denoiser {
  const layout = tokenLayout(V);
  const L = rows.length;
  const predictTensor = (s: { batch: number }) => tensor(Float32Array.from(rows.flatMap((r) => Array.from(r))), [1, L, V]).expand(s.batch, L, V).contiguous();
  return { layout, parameterization: consistentSet(layout), timeConditioned: false, predictTensor, predict: (s) => tidy(() => predictTensor(s).toFloat64Array()) };
}

/** The float64 nucleus of μ by a full sort (the definitions of ALGORITHMS.md §1.13), renormalised. */
function nucleus(mu: Float64Array, p: number, variant: "mdlm" | "md4" | null): Float64Array {
  if (variant === null) return mu;
  const order = Array.from(mu.keys()).sort((a, b) => mu[b]! - mu[a]! || a - b);
  const keep = new Float64Array(mu.length);
  let cum = 0;
  for (let r = 0; r < order.length; r++) {
    const v = order[r]!;
    cum += mu[v]!;
    if (variant === "mdlm" ? cum <= p || r === 0 : true) keep[v] = mu[v]!;
    if (variant === "md4" && cum >= p) {
      for (let q = r + 1; q < order.length && mu[order[q]!] === mu[v]; q++) keep[order[q]!] = mu[v]!; // ties of the cut value
      break;
    }
    if (variant === "mdlm" && cum > p) break;
  }
  const z = keep.reduce((a, x) => a + x, 0);
  return keep.map((x) => x / z);
}

test("V = 8,192: one ancestral step (reveal 1/2, then argmax fill) follows ½·μ + ½·δ_argmax per position, top-p off and both variants", () => {
  const V = 8192;
  const L = 2;
  const rows = [0, 1].map((i) => Float32Array.from({ length: V }, (_, v) => 2.5 * Math.sin(0.37 * (i + 1) * v) + (v % 97 === 0 ? 3 : 0) + (v === 5 ? 7 - 3 * i : 0)));
  const den = fixedTensorDenoiser(rows, V);
  const B = 3000;
  for (const [topP, variant] of [[1, null], [0.9, "mdlm"], [0.9, "md4"]] as const) {
    const r = sample(den, ancestralPolicy(), { batch: B, length: L, steps: 1, schedule: half, rng: new Rng(3), topP, ...(variant ? { topPVariant: variant } : {}) });
    for (let i = 0; i < L; i++) {
      const max = rows[i]!.reduce((a, x) => Math.max(a, x), -Infinity);
      const e = Float64Array.from(rows[i]!, (x) => Math.exp(x - max));
      const z = e.reduce((a, x) => a + x, 0);
      const mu = nucleus(e.map((x) => x / z), topP, variant);
      const top = mu.indexOf(Math.max(...mu));
      const law = mu.map((p, v) => 0.5 * p + (v === top ? 0.5 : 0));
      const counts = new Float64Array(V);
      for (let b = 0; b < B; b++) counts[r.tokens[b * L + i]!]!++;
      assertFits(counts, law, `V = 8192, position ${i}, top-p ${topP} ${variant ?? ""}`);
      if (variant) {
        // power: the classes outside the nucleus (where assertFits allows no draw at all) hold this much of μ
        const outside = e.reduce((a, x, v) => a + (mu[v] === 0 ? x / z : 0), 0);
        assert.ok(outside > 0.05, `position ${i}: unfiltered mass outside the nucleus ${outside}`);
      }
      if (!variant) assertRejects(counts, law.map((p, v) => (v === top ? p - 0.05 : v === (top + 1) % V ? p + 0.05 : p)), `position ${i}: 5% moved off the argmax`);
    }
  }
});

/** A DiT with open adaLN gates (its logits depend on the whole state) and its denoiser. */
function ditDenoiser(V: number, seed: number): Denoiser {
  manualSeed(seed);
  const model = new DiT({ classes: V, d: 32, layers: 1, heads: 2, cond: 16, timeConditioning: false }).eval();
  noGrad(() => {
    for (const [n, p] of model.namedParameters()) if (n.endsWith("ada.weight") || n.endsWith("ada.bias") || n.startsWith("out.")) p.copyInPlace(tensor(Float32Array.from({ length: p.size }, (_, k) => 0.3 * Math.sin(k * 1.3 + seed)), p.shape));
  });
  const layout = tokenLayout(V);
  return netDenoiser(model, layout, consistentSet(layout));
}

// A sequence's sample depends only on its own stream and on its logits. Table denoisers are batch-invariant, so
// batch composition and caching cannot change anything; the DiT's float32 forward is not (OpenBLAS blocks by
// batch size: logits move by ~1e-6), which can flip a decision only at a near-tie — e.g. confidence orderings
// of positions whose logits are exactly equal (all-MASK input), resolved by position up to that noise.
test("reproducible: same seed, same samples; a sequence's sample does not depend on the batch around it or on caching", () => {
  const cases: [Denoiser, string[]][] = [
    [ditDenoiser(300, 1), ["ancestral", "remdm-cap:eta_cap=0.05"]],
    [stateDenoiser(5), ["ancestral", "remdm-conf", "confidence-margin:candidate=sample", "confidence-entropy:temperature=0.5"]],
  ];
  for (const [den, specs] of cases) {
    for (const spec of specs) {
      for (const topP of [1, 0.9]) {
        const run = (batch: number, cache = true, seed = 5) => sample(den, parseSamplerSpec(spec), { batch, length: 16, steps: 12, schedule: linear(), rng: new Rng(seed), topP, cache }).tokens;
        const four = run(4);
        assert.deepEqual(run(4), four, `${spec}, top-p ${topP}: same seed`);
        assert.deepEqual(run(2), four.subarray(0, 32), `${spec}, top-p ${topP}: a batch of 2 holds the first two sequences of the batch of 4`);
        assert.deepEqual(run(4, false), four, `${spec}, top-p ${topP}: cache off`);
        assert.notDeepEqual(run(4, true, 6), four, `${spec}, top-p ${topP}: another seed`);
      }
    }
  }
});

test("no B·L·V array crosses from the engine into JavaScript while sampling (largest transfer observed at the binding)", () => {
  const V = 4096;
  const B = 2;
  const L = 64;
  const den = ditDenoiser(V, 2);
  const calls = { toBuffer: 0, fromBuffer: 0 };
  const largest = { toBuffer: 0, fromBuffer: 0 };
  const original = { toBuffer: native.toBuffer, fromBuffer: native.fromBuffer };
  native.toBuffer = (h, dtype) => {
    const buf = original.toBuffer(h, dtype);
    calls.toBuffer++;
    largest.toBuffer = Math.max(largest.toBuffer, buf.byteLength);
    return buf;
  };
  native.fromBuffer = (data, shape, dtype, device) => {
    calls.fromBuffer++;
    largest.fromBuffer = Math.max(largest.fromBuffer, data.byteLength);
    return original.fromBuffer(data, shape, dtype, device);
  };
  try {
    for (const [spec, topP] of [["ancestral", 1], ["ancestral", 0.9], ["confidence-entropy", 1], ["remdm-conf", 0.9]] as const) {
      sample(den, parseSamplerSpec(spec), { batch: B, length: L, steps: 8, schedule: linear(), rng: new Rng(1), topP });
    }
    const sampled = { ...largest };
    assert.ok(calls.toBuffer > 0 && calls.fromBuffer > 0);
    assert.ok(sampled.toBuffer <= 8 * B * L && sampled.fromBuffer <= 8 * B * L, `largest transfers while sampling: ${JSON.stringify(sampled)} bytes; B·L·V float32 would be ${4 * B * L * V}`);
    den.predict({ tokens: new Int32Array(B * L).fill(V), batch: B, length: L }, new Float64Array(B)); // the spy sees a full read
    assert.equal(largest.toBuffer, 8 * B * L * V);
  } finally {
    Object.assign(native, original);
  }
});
