// Block-wise VMD as a method: one block reduces to vmd, a zero-information latent to bd3 (same weights and draws), each
// block's latent reaches only its own block, the block-by-block sampler's law = ∏_b ∫ N(z_b) p(x_b | x_<b, z_b) dz_b
// (quadrature over z_b, KV-cached and batched generation alike), and config errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { manualSeed, noGrad, randint, randn, tidy, zeros } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { samplerFromName } from "../src/diffusion/samplers/index.js";
import { antithetic } from "../src/diffusion/time-sampling.js";
import { methodNamed } from "../src/methods/registry.js";
import type { MethodModel } from "../src/methods/method.js";
import { parseTrainConfig, type TrainConfig } from "../src/train/config.js";
import { assertFits, assertRejects } from "./helpers/chi-square.js";
import { gaussianNodes } from "./helpers/gaussian-quadrature.js";

const V = 3;
const base = {
  seed: 0,
  data: { name: "markov", seqLen: 4, markovSeed: 3, markovSymbols: V, markovSize: 1000 },
  model: { d: 16, layers: 2, heads: 2, cond: 16 },
  train: { steps: 2, batch: 4, lr: 1e-3, warmup: 1, evalEvery: 2, evalSequences: 4, checkpointEvery: 2 },
};
const latentOptions = { latentDim: 2, encoder: { d: 16, layers: 1, heads: 2 } };

/** A config of the base with this method section (and sequence length). */
function config(method: object, seqLen = 4): TrainConfig {
  return parseTrainConfig({ ...base, data: { ...base.data, seqLen }, method });
}

/** Random weights for a model (every parameter, so that adaLN gates, the latent and the encoder all matter), seeded. */
function randomWeights(m: MethodModel, seed: number, scale = 0.5): Record<string, ReturnType<typeof randn>> {
  manualSeed(seed);
  return Object.fromEntries(m.network.namedParameters().map(([n, p]) => [n, randn(p.shape).mul(scale)]));
}

/** Mean of an estimate's per-sequence values. */
const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;

test("one block (block = L): block-vmd's loss, terms and all three bounds equal vmd's on the same weights and draws", () => {
  const L = 6;
  const vmd = methodNamed("vmd").build(config({ name: "vmd", ...latentOptions, klWeight: "time", beta: 0.7 }, L), V);
  const bv = methodNamed("block-vmd").build(config({ name: "block-vmd", block: L, ...latentOptions, klWeight: "time", beta: 0.7 }, L), V);
  noGrad(() => {
    const w = randomWeights(vmd, 3, 0.2);
    vmd.network.loadStateDict(w);
    bv.network.loadStateDict(w);
  });
  const schedule = scheduleFromName("linear");
  const run = (m: MethodModel) =>
    tidy(() => {
      manualSeed(9);
      const x = randint(0, V, [5, L]);
      const r = m.loss({ x, t: antithetic(5, new Rng(4)), schedule, step: 3 });
      return { loss: r.loss.item(), terms: r.terms };
    });
  const [a, b] = [run(vmd), run(bv)];
  assert.ok(a.terms.kl! > 1e-3 && a.terms.reconstruction! > 0.1, JSON.stringify(a.terms));
  assert.deepEqual(Object.keys(b.terms), Object.keys(a.terms));
  const close = (u: number, v: number) => Math.abs(u - v) < 1e-6 * Math.abs(u) + 1e-6;
  for (const k of Object.keys(a.terms)) assert.ok(close(a.terms[k]!, b.terms[k]!), `${k}: ${a.terms[k]} vs ${b.terms[k]}`);
  assert.ok(close(a.loss, b.loss), `${a.loss} vs ${b.loss}`);
  const rng = new Rng(1);
  const x = { tokens: Int32Array.from({ length: 8 * L }, () => rng.int(V)), batch: 8, length: L };
  const o = { schedule, tMin: 1e-3, steps: 5 };
  const ours = methodNamed("block-vmd").bounds(config({ name: "block-vmd", block: L, ...latentOptions, klWeight: "time", beta: 0.7 }, L));
  const theirs = methodNamed("vmd").bounds(config({ name: "vmd", ...latentOptions, klWeight: "time", beta: 0.7 }, L));
  assert.deepEqual(ours.map((s) => [s.certified, s.discrete]), theirs.map((s) => [s.certified, s.discrete]));
  ours.forEach((s, i) => {
    const p = theirs[i]!.estimate(vmd.denoiser(), x, new Rng(7), o);
    const q = s.estimate(bv.denoiser(), x, new Rng(7), o);
    assert.ok(mean(p) > 1);
    p.forEach((v, n) => assert.ok(Math.abs(v - q[n]!) < 1e-6 * Math.abs(v) + 1e-5, `${s.name}, sequence ${n}: ${v} vs ${q[n]}`));
  });
});

test("zero-information latent (projection and encoder read-out zero): loss and bounds equal bd3's on the same weights and draws", () => {
  const bd3 = methodNamed("bd3").build(config({ name: "bd3", block: 2 }), V);
  const bv = methodNamed("block-vmd").build(config({ name: "block-vmd", block: 2, ...latentOptions }), V);
  noGrad(() => {
    const w = randomWeights(bv, 5);
    for (const n of ["latent.weight", "latent.bias", "encoder.out.weight", "encoder.out.bias"]) w[n] = zeros(w[n]!.shape);
    bv.network.loadStateDict(w);
    bd3.network.loadStateDict(Object.fromEntries(bd3.network.namedParameters().map(([n]) => [n, w[n]!])));
  });
  const schedule = scheduleFromName("linear");
  const run = (m: MethodModel) =>
    tidy(() => {
      manualSeed(9);
      const x = randint(0, V, [6, 4]);
      const r = m.loss({ x, t: antithetic(12, new Rng(4)), schedule });
      return { loss: r.loss.item(), terms: r.terms };
    });
  const [a, b] = [run(bd3), run(bv)];
  assert.ok(a.loss > 0.5);
  assert.equal(b.terms.kl, 0);
  assert.ok(Math.abs(a.loss - b.loss) < 1e-6 && Math.abs(a.loss - b.terms.reconstruction!) < 1e-6, `${a.loss} vs ${b.loss}`);
  const rng = new Rng(1);
  const x = { tokens: Int32Array.from({ length: 8 * 4 }, () => rng.int(V)), batch: 8, length: 4 };
  const o = { schedule, tMin: 1e-3, steps: 5 };
  const ours = methodNamed("block-vmd").bounds(config({ name: "block-vmd", block: 2, ...latentOptions }));
  const theirs = methodNamed("bd3").bounds(config({ name: "bd3", block: 2 }));
  for (const name of ["nelbo", "nelbo_T"]) {
    const advanced = new Rng(7);
    for (let k = 0; k < 8 * 2 * latentOptions.latentDim; k++) advanced.normal(); // the bound's z draws
    const p = theirs.find((s) => s.name === name)!.estimate(bd3.denoiser(), x, advanced, o);
    const q = ours.find((s) => s.name === name)!.estimate(bv.denoiser(), x, new Rng(7), o);
    assert.ok(mean(p) > 1);
    p.forEach((v, n) => assert.ok(Math.abs(v - q[n]!) < 1e-6, `${name}, sequence ${n}: ${v} vs ${q[n]}`));
  }
});

test("each block's latent conditions only its own block's predictions; later clean tokens never leak into earlier blocks", () => {
  const bv = methodNamed("block-vmd").build(config({ name: "block-vmd", block: 2, ...latentOptions }), V);
  noGrad(() => bv.network.loadStateDict(randomWeights(bv, 6, 0.2))); // small enough that no attention row saturates
  const d = bv.denoiser();
  assert.equal(d.latent!.dim, 2 * latentOptions.latentDim);
  const states = { tokens: Int32Array.of(V, 1, V, V), batch: 1, length: 4 };
  const t = Float64Array.of(0.5);
  const predict = (latent: number[], context: number[]) => d.predict(states, t, { latent: Float64Array.from(latent), context: Int32Array.from(context) });
  const ref = predict([0.3, -1, 0.5, 2], [0, 1, 2, 0]);
  const changedB1 = predict([0.3, -1, -1.5, 0.1], [0, 1, 2, 0]);
  const changedB0 = predict([1.3, 0.4, 0.5, 2], [0, 1, 2, 0]);
  const laterClean = predict([0.3, -1, 0.5, 2], [0, 1, 1, 1]);
  const diff = (a: Float64Array, b: Float64Array, from: number, to: number) => Math.max(...Array.from(a.subarray(from * V, to * V), (v, i) => Math.abs(v - b[from * V + i]!)));
  assert.ok(diff(ref, changedB1, 0, 2) < 1e-6 && diff(ref, changedB1, 2, 4) > 1e-3, "z_1 moves block 1 only");
  assert.ok(diff(ref, changedB0, 2, 4) < 1e-6 && diff(ref, changedB0, 0, 2) > 1e-3, "z_0 moves block 0 only");
  assert.ok(diff(ref, laterClean, 0, 4) < 1e-6, "block 1's clean tokens are not read by any noisy block");
  // the encoder: block 0's posterior ignores block 1's tokens and mask flags; block 1's reads block 0's clean tokens
  const post = (tokens: number[], masked: number[]) => d.latent!.posterior({ tokens: Int32Array.from(tokens), batch: 1, length: 4 }, Uint8Array.from(masked)).mean;
  const q = post([0, 1, 2, 0], [1, 0, 1, 1]);
  const q2 = post([0, 1, 1, 2], [1, 0, 0, 1]);
  const q3 = post([2, 1, 2, 0], [1, 0, 1, 1]);
  assert.ok(Math.abs(q[0]! - q2[0]!) < 1e-6 && Math.abs(q[1]! - q2[1]!) < 1e-6, "z_0's posterior sees block 0 only");
  assert.ok(Math.abs(q[2]! - q3[2]!) + Math.abs(q[3]! - q3[3]!) > 1e-4, "z_1's posterior sees the clean block 0");
});

/**
 * The law of the block sampler with one step per block (every token of a block revealed at once from μ given z_b):
 * ∏_b ∫ N(z_b; 0, I) ∏_{i ∈ b} μ_i(x_i | x_<b, z_b) dz_b, by a product Gauss–Legendre rule over z_b ∈ [−7, 7]².
 */
function exactLaw(m: MethodModel, ignoreLatent = false): Float64Array {
  const d = m.denoiser();
  const pts = gaussianNodes(0, 0, { halfWidth: 7, panels: 4, order: 16 });
  const grid = pts.flatMap((a) => pts.map((b) => ({ z: [a.z, b.z], w: a.w * b.w })));
  const law = new Float64Array(V ** 4);
  const C = V;
  // μ of block b (all masked) given prefix p (block 0's tokens, or none) at every grid point; rows = grid points
  const mu = (prefix: number[], block: number): Float64Array => {
    const R = grid.length;
    const tokens = new Int32Array(R * 4).fill(V);
    const context = new Int32Array(R * 4);
    for (let r = 0; r < R; r++) context.set([...prefix, ...new Array(4 - prefix.length).fill(0)], r * 4);
    const latent = new Float64Array(R * 4);
    grid.forEach((g, r) => latent.set(ignoreLatent ? [0, 0, 0, 0] : block === 0 ? [g.z[0]!, g.z[1]!, 0, 0] : [0, 0, g.z[0]!, g.z[1]!], r * 4));
    const logits = d.predict({ tokens, batch: R, length: 4 }, new Float64Array(R).fill(1), { context, latent });
    const out = new Float64Array(R * 2 * C);
    for (let r = 0; r < R; r++)
      for (let i = 0; i < 2; i++) {
        const row = logits.subarray((r * 4 + 2 * block + i) * C, (r * 4 + 2 * block + i + 1) * C);
        const top = Math.max(...row);
        const s = row.reduce((a, v) => a + Math.exp(v - top), 0);
        row.forEach((v, c) => (out[(r * 2 + i) * C + c] = Math.exp(v - top) / s));
      }
    return out;
  };
  const blockLaw = (m0: Float64Array): Float64Array => {
    const p = new Float64Array(C * C);
    grid.forEach((g, r) => { for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) p[a * C + b] += g.w * m0[(r * 2) * C + a]! * m0[(r * 2 + 1) * C + b]!; });
    return p;
  };
  const first = blockLaw(mu([], 0));
  for (let ab = 0; ab < C * C; ab++) {
    const second = blockLaw(mu([Math.floor(ab / C), ab % C], 1));
    for (let cd = 0; cd < C * C; cd++) law[ab * C * C + cd] = first[ab]! * second[cd]!;
  }
  const total = law.reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(total - 1) < 1e-6, `quadrature mass ${total}`);
  return law.map((v) => v / total);
}

test("block sampler law (one step per block, z_b ~ N(0, I) per block): KV-cached and batched generation fit ∏_b ∫ N(z_b) p(x_b | x_<b, z_b) dz_b", () => {
  const bv = methodNamed("block-vmd").build(config({ name: "block-vmd", block: 2, ...latentOptions }), V);
  noGrad(() => {
    const w = randomWeights(bv, 8, 0.3);
    w["latent.weight"] = w["latent.weight"]!.mul(8); // a latent that matters
    bv.network.loadStateDict(w);
  });
  const law = exactLaw(bv);
  const histogram = (seqs: Int32Array[]) => {
    const c = new Float64Array(V ** 4);
    for (const s of seqs) c[s.reduce((a, v) => a * V + v, 0)]++;
    return c;
  };
  const opts = { length: 4, steps: 1, schedule: scheduleFromName("linear") };
  const together = bv.generate!(samplerFromName("ancestral"), { ...opts, batch: 20_000, rng: new Rng(2), together: true });
  const hist = histogram(together.sequences);
  assertFits(hist, law, "batched generation");
  assertRejects(hist, exactLaw(bv, true), "the law with z_b = 0 (the latent ignored)");
  const cached = bv.generate!(samplerFromName("ancestral"), { ...opts, batch: 3000, rng: new Rng(3) });
  assertFits(histogram(cached.sequences), law, "KV-cached one-at-a-time generation");
  assert.equal(together.stats.nfe, 2, "one logical call per block");
});

test("block-vmd config errors: a block longer than the sequence, a bad encoder shape, a typo", () => {
  assert.throws(() => methodNamed("block-vmd").build(config({ name: "block-vmd", block: 5, ...latentOptions }), V), /method.block = 5 must be at most data.seqLen = 4/);
  assert.throws(() => methodNamed("block-vmd").build(config({ name: "block-vmd", block: 2, latentDim: 2, encoder: { d: 18, layers: 1, heads: 4 } }), V), /method.encoder: d = 18/);
  assert.throws(() => config({ name: "block-vmd", block: 2, latentDims: 2 }), /latentDims/);
  assert.throws(() => config({ name: "block-vmd", latentDim: 2 }), /block/);
});

test("templates in block generation: given positions stay fixed under every policy (bd3 and block-vmd, cached and batched, sliding context)", () => {
  for (const method of [{ name: "bd3", block: 2 }, { name: "block-vmd", block: 2, ...latentOptions }]) {
    const cfg = config(method);
    const m = methodNamed(method.name).build(cfg, V);
    noGrad(() => m.network.loadStateDict(randomWeights(m, 4, 0.1))); // small enough that μ is not one-hot
    const template = Int32Array.of(2, V, V, 0, 1, V, V, 2); // 8 tokens past the window of 4: the context slides
    for (const name of methodNamed(method.name).samplers(cfg)) {
      for (const together of [false, true]) {
        const length = together ? 4 : 8;
        const r = m.generate!(samplerFromName(name), { batch: 5, length, steps: 2, schedule: scheduleFromName("linear"), rng: new Rng(1), prompt: template.subarray(0, length), together });
        for (const s of r.sequences) template.subarray(0, length).forEach((v, i) => v === V || assert.equal(s[i], v, `${method.name}, ${name}, together ${together}: position ${i} of [${s}]`));
        if (name === "ancestral") assert.ok(r.sequences.some((s) => s[1] !== r.sequences[0]![1] || s[2] !== r.sequences[0]![2]), `${method.name}, ${name}: free positions vary`);
      }
    }
  }
  const m = methodNamed("bd3").build(config({ name: "bd3", block: 2 }), V);
  assert.throws(() => m.generate!(samplerFromName("ancestral"), { batch: 2, length: 4, steps: 1, schedule: scheduleFromName("linear"), rng: new Rng(1), prompt: Int32Array.of(1, 2, 3) }), /a prompt of 3 positions, expected the length 4 or batch·length 8/);
});
