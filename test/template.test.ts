/**
 * Conditional generation: given positions stay fixed under every policy (traced step by step, many seeds, remasking
 * policies included), templates encode through every state layout, and `maskdiff sample --template` keeps the given text.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/engine/index.js";
import { linear } from "../src/diffusion/schedules.js";
import { sample, samplerFromName, samplerNames } from "../src/diffusion/samplers/index.js";
import { digitLayout, encodeTemplate, groupedLayout, tokenLayout } from "../src/diffusion/state-layout.js";
import { stateDenoiser } from "./helpers/table-denoiser.js";
import { listCheckpoints } from "../src/train/checkpoint.js";
import { ok, runCli, userError } from "./helpers/cli.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const V = 4;
const MASK = V;

test("every policy, every step: given positions never change (8 seeds, T = 2L, traced)", () => {
  const prompt = Int32Array.from([2, MASK, MASK, 0, MASK, MASK, MASK, 3]);
  const given = Array.from(prompt.keys()).filter((i) => prompt[i] !== MASK);
  for (const name of samplerNames) {
    for (let seed = 0; seed < 8; seed++) {
      const r = sample(stateDenoiser(V), samplerFromName(name), { batch: 3, length: 8, steps: 16, schedule: linear(), prompt, rng: new Rng(seed), trace: true });
      for (let b = 0; b < 3; b++) for (const i of given) assert.equal(r.tokens[b * 8 + i], prompt[i], `${name}, seed ${seed}, row ${b}, position ${i}`);
      for (const st of r.trace!) for (const n of st.positions) assert.ok(!given.includes(n % 8), `${name} changed given position ${n % 8} at step ${st.step}`);
      assert.ok(!r.tokens.includes(MASK));
    }
  }
});

test("templates through every layout: tokens, digits (ℓ = 2) and super-tokens (q = 2)", () => {
  const data = Int32Array.from([1, MASK, 3, MASK]);
  assert.deepEqual(Array.from(encodeTemplate(tokenLayout(V), data)), [1, MASK, 3, MASK]);
  const digits = digitLayout(V, 2, 2);
  assert.deepEqual(Array.from(encodeTemplate(digits, data)), [0, 1, digits.maskId, digits.maskId, 1, 1, digits.maskId, digits.maskId]);
  const grouped = groupedLayout(V, 2, 4, 2);
  const pairs = Int32Array.from([1, 3, MASK, MASK]);
  assert.deepEqual(Array.from(encodeTemplate(grouped, pairs)), [1, 3, grouped.maskId, grouped.maskId]);
  assert.throws(() => encodeTemplate(grouped, data), /positions 0\.\.1 form one super-token: give all 2 or none/);
});

test("maskdiff sample --template keeps the given characters; bad templates are one clear error", () => {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-template-"));
  try {
    const cfg = join(dir, "c.json");
    writeFileSync(cfg, JSON.stringify({
      seed: 1, data: { name: "markov", seqLen: 12, markovSeed: 3, markovSymbols: 5, markovSize: 20000 },
      model: { d: 32, layers: 1, heads: 2, cond: 16 }, train: { steps: 4, batch: 8, lr: 1e-3, warmup: 1, evalEvery: 4, evalSequences: 8 },
    }));
    ok(runCli(["train", "--config", cfg, "--out", join(dir, "run"), "--samples", "0"], 120_000));
    const ckpt = listCheckpoints(join(dir, "run")).at(-1)!;
    for (const sampler of ["ancestral", "remdm-loop", "confidence-margin"]) {
      const r = ok(runCli(["sample", "--checkpoint", ckpt, "-n", "3", "--sampler", sampler, "--steps", "24", "--template", "ab___c__e___"]));
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines.length, 3);
      for (const l of lines) assert.match(l, /^ab[a-e]{3}c[a-e]{2}e[a-e]{3}$/, `${sampler}: ${l}`);
    }
    userError(runCli(["sample", "--checkpoint", ckpt, "--template", "abz"]), /character "z" at position 2 is not a symbol of data 'markov'/);
    userError(runCli(["sample", "--checkpoint", ckpt, "--template", "ab_", "--length", "5"]), /--template has 3 positions but the sequence length is 5/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
