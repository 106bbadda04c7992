/**
 * Sampling latent-variable models (VMD) in the one loop: z ~ N(0, I) per sequence from the sequence's own stream, held for
 * the whole call or redrawn every step; argmax decoding; exact caching with a held z; the laws by quadrature over z; and
 * the random-order policy's one-step law (a fixed count per step at uniformly random positions).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/engine/index.js";
import type { Denoiser, States } from "../src/diffusion/denoiser.js";
import { linear } from "../src/diffusion/schedules.js";
import { ancestralPolicy, sample, samplerFromName } from "../src/diffusion/samplers/index.js";
import { functionDenoiser } from "./helpers/table-denoiser.js";
import { assertFits, assertRejects } from "./helpers/chi-square.js";

const V = 3;
const L = 2;
const MASK = V;

/** Logits of position i, class v given the latent u (one dimension): strongly z-dependent, coupled across positions. */
const logit = (i: number, v: number, u: number, z: ArrayLike<number>): number => 2.5 * Math.cos(u * 1.7 + 2.1 * v + (i === 1 && z[0] !== MASK ? z[0]! : 0)) + 0.3 * v * i;

/** A latent denoiser over V = 3, L = 2 with dim 1, recording the latent each sequence row was given. */
function latentDenoiser(seen?: number[][]): Denoiser {
  const base = functionDenoiser(V, false, () => new Float64Array(0));
  return {
    ...base,
    predict(s: States, _t: Float64Array, extras) {
      const z = extras?.latent;
      if (!z || z.length !== s.batch) throw new Error("latent missing");
      seen?.push(Array.from(z));
      const out = new Float64Array(s.batch * L * V);
      for (let r = 0; r < s.batch; r++) for (let i = 0; i < L; i++) for (let v = 0; v < V; v++) out[(r * L + i) * V + v] = logit(i, v, z[r]!, s.tokens.subarray(r * L, r * L + L));
      return out;
    },
    latent: { dim: 1, posterior: () => ({ mean: new Float64Array(0), logVar: new Float64Array(0) }) },
  };
}

/** E_{u ~ N(0, 1)} f(u) on a fine grid over [−8, 8]. */
function overPrior(f: (u: number) => number): number {
  let s = 0;
  const h = 1e-3;
  for (let u = -8; u <= 8; u += h) s += f(u) * Math.exp(-0.5 * u * u) * h;
  return s / Math.sqrt(2 * Math.PI);
}

/** softmax row of position i at latent u and state z. */
function mu(i: number, u: number, z: ArrayLike<number>): number[] {
  const e = [0, 1, 2].map((v) => Math.exp(logit(i, v, u, z)));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

const histogram = (tokens: Int32Array) => {
  const c = new Float64Array(V * V);
  for (let b = 0; b < tokens.length / L; b++) c[tokens[b * L]! * V + tokens[b * L + 1]!]!++;
  return c;
};

test("z is held per sequence (one value through every call) or redrawn every step, and z ~ N(0, 1)", () => {
  const seen: number[][] = [];
  sample(latentDenoiser(seen), samplerFromName("random-order"), { batch: 4000, length: L, steps: 2, schedule: linear(), rng: new Rng(3), cache: false });
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[0], seen[1], "fixed: the same z at both steps");
  const z = seen[0]!;
  const m = z.reduce((a, b) => a + b, 0) / z.length;
  const v = z.reduce((a, b) => a + (b - m) ** 2, 0) / (z.length - 1);
  assert.ok(Math.abs(m) < 4 / Math.sqrt(z.length) && Math.abs(v - 1) < 0.1, `mean ${m}, variance ${v}`);
  const again: number[][] = [];
  sample(latentDenoiser(again), samplerFromName("random-order"), { batch: 50, length: L, steps: 2, schedule: linear(), rng: new Rng(3), cache: false, latent: "per-step" });
  assert.ok(again[0]!.every((u, r) => u !== again[1]![r]), "per-step: a new z at the second step");
});

test("one step, argmax decoding: P(x) = P_z(argmax μ(z) = x); categorical: E_z[Π_i μ_i(z)] — by quadrature over z", () => {
  const all = [MASK, MASK];
  const argmaxLaw = Float64Array.from({ length: 9 }, (_, x) => overPrior((u) => {
    const a = [0, 1].map((i) => { const r = mu(i, u, all); return r.indexOf(Math.max(...r)); });
    return a[0]! * V + a[1]! === x ? 1 : 0;
  }));
  const mixLaw = Float64Array.from({ length: 9 }, (_, x) => overPrior((u) => mu(0, u, all)[Math.floor(x / V)]! * mu(1, u, all)[x % V]!));
  const argmax = sample(latentDenoiser(), ancestralPolicy(), { batch: 30_000, length: L, steps: 1, schedule: linear(), rng: new Rng(5), decode: "argmax" });
  assertFits(histogram(argmax.tokens), argmaxLaw, "argmax, one step");
  assertRejects(histogram(argmax.tokens), mixLaw, "argmax is not the categorical mixture");
  const cat = sample(latentDenoiser(), ancestralPolicy(), { batch: 30_000, length: L, steps: 1, schedule: linear(), rng: new Rng(6) });
  assertFits(histogram(cat.tokens), mixLaw, "categorical, one step");
});

/** The law of two one-token steps: position j first (prob ½), value a ~ μ_j(z, all-MASK), then the other value b ~ μ(z' , state with a), z' = z or a fresh draw. */
const law = (held: boolean) => Float64Array.from({ length: 9 }, (_, x) => {
  const xs = [Math.floor(x / V), x % V];
  let p = 0;
  for (const first of [0, 1]) {
    const second = 1 - first;
    const state = [MASK, MASK];
    state[first] = xs[first]!;
    if (held) p += 0.5 * overPrior((u) => mu(first, u, [MASK, MASK])[xs[first]!]! * mu(second, u, state)[xs[second]!]!);
    else p += 0.5 * overPrior((u) => mu(first, u, [MASK, MASK])[xs[first]!]!) * overPrior((u) => mu(second, u, state)[xs[second]!]!);
  }
  return p;
});

test("two steps, one token each (random-order): a held z couples the steps, a redrawn one does not — by quadrature", () => {
  const held = sample(latentDenoiser(), samplerFromName("random-order"), { batch: 40_000, length: L, steps: 2, schedule: linear(), rng: new Rng(8) });
  assertFits(histogram(held.tokens), law(true), "held z");
  assertRejects(histogram(held.tokens), law(false), "held z vs redrawn");
  const fresh = sample(latentDenoiser(), samplerFromName("random-order"), { batch: 40_000, length: L, steps: 2, schedule: linear(), rng: new Rng(9), latent: "per-step" });
  assertFits(histogram(fresh.tokens), law(false), "redrawn z");
});

test("with a held z, caching is exact and a sequence's sample does not depend on the batch around it", () => {
  const opts = { length: L, steps: 6, schedule: linear() };
  const on = sample(latentDenoiser(), ancestralPolicy(), { ...opts, batch: 64, rng: new Rng(2), cache: true });
  const off = sample(latentDenoiser(), ancestralPolicy(), { ...opts, batch: 64, rng: new Rng(2), cache: false });
  assert.deepEqual(Array.from(on.tokens), Array.from(off.tokens));
  assert.ok(on.stats.predictedRows < off.stats.predictedRows, `rows predicted: ${on.stats.predictedRows} vs ${off.stats.predictedRows}`);
  const small = sample(latentDenoiser(), ancestralPolicy(), { ...opts, batch: 16, rng: new Rng(2) });
  assert.deepEqual(Array.from(small.tokens), Array.from(on.tokens.subarray(0, 16 * L)));
});

test("random-order: one step reveals exactly the scheduled count at uniformly random positions, values from μ", () => {
  const d = functionDenoiser(V, false, (z) => Float64Array.from({ length: 3 * V }, (_, k) => Math.sin(k * 1.3 + z.reduce((a, b) => a + b, 0))));
  const out = sample(d, samplerFromName("random-order"), { batch: 30_000, length: 3, steps: 3, schedule: linear(), rng: new Rng(4), trace: true });
  const first = out.trace![0]!;
  const perSeq = new Float64Array(30_000);
  for (const n of first.positions) perSeq[Math.floor(n / 3)]!++;
  assert.ok(perSeq.every((c) => c === 1), "exactly one reveal per sequence at step 0 of 3");
  const where = new Float64Array(3);
  for (const n of first.positions) where[n % 3]!++;
  assertFits(where, [1 / 3, 1 / 3, 1 / 3], "uniform position");
  assertRejects(where, [0.36, 0.32, 0.32], "not uniform");
});

test("exact first-hitting (variable steps) with a held z: one reveal per call at a uniform position, so the held-z two-step law", () => {
  const fh = sample(latentDenoiser(), samplerFromName("first-hitting"), { batch: 40_000, length: L, steps: 1, schedule: linear(), rng: new Rng(10) });
  assert.equal(fh.stats.nfe, 2);
  assertFits(histogram(fh.tokens), law(true), "first-hitting, held z");
  assertRejects(histogram(fh.tokens), law(false), "first-hitting, held z vs redrawn");
});
