// Block generation: the KV cache is exact (cached logits = recomputed logits at every step of full generations, sliding
// past the trained length), the sampling pass agrees with the training pass, the stop rule, and the first-hitting law.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Denoiser } from "../src/diffusion/denoiser.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { firstHittingPolicy, sample, samplerFromName, type SamplerPolicy } from "../src/diffusion/samplers/index.js";
import { manualSeed, noGrad, randn } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { recomputingBlockDenoiser } from "../src/methods/bd3/block-denoiser.js";
import { contextLimit, generateBlocks, type BlockModel } from "../src/methods/bd3/generate.js";
import { methodNamed } from "../src/methods/registry.js";
import type { MethodModel } from "../src/methods/method.js";
import type { DiT } from "../src/models/dit.js";
import { parseTrainConfig } from "../src/train/config.js";
import { chiSquare, chiSquareCritical } from "./helpers/chi-square.js";
import { stateDenoiser, subsProbs } from "./helpers/table-denoiser.js";

const V = 5;
const L = 12;

/** A bd3 model (window L = 12) with random weights and open adaLN gates, so that every token's context matters. */
function randomBd3(block: number, timeConditioning = false): { model: MethodModel; blockModel: BlockModel } {
  const config = parseTrainConfig({
    data: { name: "markov", seqLen: L, markovSeed: 3, markovSymbols: V, markovSize: 4000 },
    model: { d: 24, layers: 2, heads: 2, cond: 16, timeConditioning },
    method: { name: "bd3", block },
    train: { steps: 1, batch: 2, lr: 1e-3 },
  });
  const model = methodNamed("bd3").build(config, V);
  manualSeed(11);
  noGrad(() => model.network.loadStateDict(Object.fromEntries(model.network.namedParameters().map(([n, p]) => [n, n.includes("ada") ? randn(p.shape).mul(0.5) : p]))));
  const d = model.denoiser();
  return { model, blockModel: { network: model.network as DiT, layout: d.layout, parameterization: d.parameterization, blockSize: block, window: L } };
}

/** Wraps each block Denoiser: also computes the recomputed logits and records the largest difference. */
function comparing(bm: BlockModel, record: { maxDiff: number; calls: number; prefixes: string[] }) {
  return (cached: Denoiser, prefix: Int32Array): Denoiser => {
    const reference = recomputingBlockDenoiser(bm.network, prefix, bm.blockSize, bm.layout, bm.parameterization);
    record.prefixes.push(Array.from(prefix).join(","));
    return {
      ...cached,
      predict(states, t) {
        const a = cached.predict(states, t);
        const b = reference.predict(states, t);
        assert.equal(a.length, b.length);
        a.forEach((v, i) => (record.maxDiff = Math.max(record.maxDiff, Math.abs(v - b[i]!))));
        record.calls++;
        return a;
      },
    };
  };
}

for (const [block, sampler, timeConditioning] of [[4, "ancestral", false], [3, "first-hitting", false], [5, "remdm-cap", true], [1, "confidence-prob", false]] as const) {
  test(`KV cache exact: L′ = ${block}, ${sampler}${timeConditioning ? ", time-conditioned" : ""}, 40 tokens past a window of 12 — cached = recomputed logits (1e-5) at every call`, () => {
    const { blockModel } = randomBd3(block, timeConditioning);
    const record = { maxDiff: 0, calls: 0, prefixes: [] as string[] };
    const opts = { batch: 2, length: 40, steps: 6, schedule: scheduleFromName("linear") };
    const policy = (): SamplerPolicy => samplerFromName(sampler);
    const withCache = generateBlocks(blockModel, policy(), { ...opts, rng: new Rng(3), wrap: comparing(blockModel, record) });
    assert.ok(record.calls >= 2 * Math.ceil(40 / block), `${record.calls} calls`);
    assert.ok(record.maxDiff < 1e-5, `max |cached − recomputed| = ${record.maxDiff}`);
    // the context really slid: the longest prefix is the window's limit, reached for several blocks
    const lengths = record.prefixes.map((p) => (p === "" ? 0 : p.split(",").length));
    assert.equal(Math.max(...lengths), contextLimit(L, block, 40 % block || block));
    assert.ok(lengths.filter((n) => n === contextLimit(L, block)).length >= 3);
    assert.ok(lengths.some((n, i) => i > 0 && n < lengths[i - 1]!), "the context slid");
    const without = generateBlocks(blockModel, policy(), { ...opts, rng: new Rng(3), kvCache: false });
    assert.deepEqual(without.sequences, withCache.sequences);
    assert.deepEqual(without.stats, withCache.stats);
    withCache.sequences.forEach((s) => assert.equal(s.length, 40));
  });
}

test("the sampling pass [prefix ; block] gives the training pass's logits for that block (any later noisy tokens)", () => {
  for (const block of [1, 4, 5]) {
    const { model, blockModel } = randomBd3(block, true);
    const rng = new Rng(5);
    const x = Int32Array.from({ length: L }, () => Math.floor(rng.next() * V));
    const noisy = Int32Array.from(x, (v) => (rng.next() < 0.5 ? V : v));
    const d = model.denoiser();
    const t = Float64Array.from({ length: L }, () => rng.next());
    for (let start = 0; start < L; start += block) {
      const end = Math.min(L, start + block);
      const ref = recomputingBlockDenoiser(blockModel.network, x.slice(0, start), block, blockModel.layout, blockModel.parameterization);
      // the block's tokens share one time in sampling: give the pair pass that time for the whole block
      const tb = t.map((_, i) => (i >= start && i < end ? t[start]! : t[i]!));
      const pairB = d.predict({ tokens: noisy, batch: 1, length: L }, tb, { context: x });
      const got = ref.predict({ tokens: noisy.slice(start, end), batch: 1, length: end - start }, Float64Array.of(t[start]!));
      got.forEach((v, i) => assert.ok(Math.abs(v - pairB[start * V + i]!) < 1e-5, `L′ = ${block}, block at ${start}, logit ${i}: ${v} vs ${pairB[start * V + i]}`));
    }
  }
});

test("stop token: each sequence ends at its first stop token (kept) or runs to the length; same seed, same sequences", () => {
  const { blockModel } = randomBd3(4);
  const opts = { batch: 6, length: 30, steps: 4, schedule: scheduleFromName("linear"), stopToken: 2 };
  const r = generateBlocks(blockModel, samplerFromName("ancestral"), { ...opts, rng: new Rng(8) });
  let stopped = 0;
  for (const s of r.sequences) {
    const first = s.indexOf(2);
    if (first >= 0) {
      assert.equal(first, s.length - 1, "nothing after the stop token");
      stopped++;
    } else assert.equal(s.length, 30);
  }
  assert.ok(stopped >= 3, `${stopped} of 6 stopped`);
  assert.deepEqual(generateBlocks(blockModel, samplerFromName("ancestral"), { ...opts, rng: new Rng(8) }).sequences, r.sequences);
  assert.throws(() => generateBlocks(blockModel, samplerFromName("ancestral"), { ...opts, rng: new Rng(8), stopToken: V }), /stop token 5 is outside 0\.\.4/);
});

test("first-hitting inside blocks: one network call per token (T ≥ L′), NFE counted per block", () => {
  const { blockModel } = randomBd3(4);
  const r = generateBlocks(blockModel, firstHittingPolicy(), { batch: 3, length: 12, steps: 4, schedule: scheduleFromName("linear"), rng: new Rng(1) });
  assert.equal(r.stats.nfeNonCached, 3 * 12);
  assert.equal(r.stats.nfe, 3 * 12);
  assert.equal(r.stats.idleSteps, 0);
});

/** The exact law of "reveal one uniformly chosen masked position per step, its value from μ" on L = 3, V = 2 by enumerating orders. */
function firstHittingLaw(d: Denoiser, n: number, C: number): Float64Array {
  const law = new Float64Array(C ** n);
  const visit = (state: Int32Array, p: number): void => {
    const masked = [...state.keys()].filter((i) => state[i] === C);
    if (masked.length === 0) {
      law[state.reduce((a, v) => a * C + v, 0)] += p;
      return;
    }
    const mu = subsProbs(d.predict({ tokens: state, batch: 1, length: n }, Float64Array.of(0.5)), { tokens: state, batch: 1, length: n }, C);
    for (const i of masked) {
      for (let v = 0; v < C; v++) {
        const next = state.slice();
        next[i] = v;
        visit(next, (p / masked.length) * mu[i * C + v]!);
      }
    }
  };
  visit(new Int32Array(n).fill(C), 1);
  return law;
}

test("first-hitting law = exact enumeration over reveal orders (chi-square, 0.999); the ancestral sampler at T = L does not fit it", () => {
  const d = stateDenoiser(2);
  const law = firstHittingLaw(d, 3, 2);
  assert.ok(Math.abs(law.reduce((a, p) => a + p, 0) - 1) < 1e-12);
  const counts = (policy: SamplerPolicy, seed: number): Float64Array => {
    const N = 20000;
    const r = sample(d, policy, { batch: N, length: 3, steps: 3, schedule: scheduleFromName("linear"), rng: new Rng(seed) });
    const c = new Float64Array(8);
    for (let b = 0; b < N; b++) c[r.tokens[3 * b]! * 4 + r.tokens[3 * b + 1]! * 2 + r.tokens[3 * b + 2]!]++;
    return c;
  };
  const fh = chiSquare(counts(firstHittingPolicy(), 1), law);
  assert.ok(fh.stat < chiSquareCritical(fh.df), `first-hitting: χ² ${fh.stat} (df ${fh.df})`);
  const anc = chiSquare(counts(samplerFromName("ancestral"), 1), law);
  assert.ok(anc.stat > chiSquareCritical(anc.df), `ancestral should not fit: χ² ${anc.stat}`);
});
