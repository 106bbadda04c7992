/**
 * GenMD4 as a method of the registry: config checks, the exponents carried by checkpoints and resumed exactly,
 * and the CLI (train, eval with certified labels, sample with its supported samplers, plot-schedule).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { markovDataset } from "../src/data/index.js";
import { readSafetensorsHeader } from "../src/engine/index.js";
import { UserError } from "../src/cli/user-error.js";
import { methodNamed } from "../src/methods/registry.js";
import type { GenMD4Network } from "../src/methods/genmd4/network.js";
import { listCheckpoints } from "../src/train/checkpoint.js";
import { parseTrainConfig } from "../src/train/config.js";
import { train } from "../src/train/trainer.js";
import { ok, okJson, runCli, userError } from "./helpers/cli.js";

const base = {
  seed: 3,
  data: { name: "markov", seqLen: 16, markovSeed: 3, markovSymbols: 5, markovSize: 20000 },
  model: { d: 32, layers: 1, heads: 2, cond: 16, timeConditioning: true },
  method: { name: "genmd4" },
  train: { steps: 8, batch: 8, lr: 3e-2, warmup: 1, evalEvery: 4, evalSequences: 8, checkpointEvery: 3, keepCheckpoints: 5, logEvery: 1 },
};
const data = markovDataset({ seed: 3, K: 5, size: 20000 });

test("config: fields GenMD4 cannot honour are refused with the field named", () => {
  const build = (patch: Record<string, unknown>) => () => methodNamed("genmd4").build(parseTrainConfig({ ...base, ...patch }), 5);
  assert.throws(build({ diffusion: { schedule: "cosine-md4" } }), (e: Error) => e instanceof UserError && /diffusion\.schedule = 'cosine-md4': genmd4 learns its schedule/.test(e.message));
  assert.throws(build({ diffusion: { tMin: 0 } }), (e: Error) => e instanceof UserError && /diffusion\.tMin must be > 0/.test(e.message));
  assert.throws(() => parseTrainConfig({ ...base, method: { name: "genmd4", eps: 0.5 } }), (e: Error) => e instanceof UserError && /method\.eps/.test(e.message));
  assert.throws(() => parseTrainConfig({ ...base, method: { name: "genmd4", wInit: -1 } }), (e: Error) => e instanceof UserError && /method\.wInit/.test(e.message));
  assert.throws(() => parseTrainConfig({ ...base, method: { name: "genmd4", w: 2 } }), (e: Error) => e instanceof UserError && /method\.w: unknown field/.test(e.message));
});

test("checkpoints carry ŵ in every group; a resumed run ends where the uninterrupted one does; the exponents learn", async () => {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-genmd4-"));
  try {
    const config = parseTrainConfig(base);
    const full = await train(config, data, { outDir: join(dir, "full") });
    await train(config, data, { outDir: join(dir, "part"), stopAfter: 5 });
    const resumed = await train(config, data, { outDir: join(dir, "part"), resume: true });
    const wOf = (r: typeof full) => Array.from((r.model.network as GenMD4Network).exponents.values());
    assert.deepEqual(wOf(resumed), wOf(full));
    full.model.network.parameters().forEach((p, i) => assert.deepEqual(resumed.model.network.parameters()[i]!.toFloat64Array(), p.toFloat64Array()));
    assert.ok(wOf(full).some((w) => Math.abs(w - 1) > 1e-3), `the exponents moved from 1: ${wOf(full)}`);
    const names = (await readSafetensorsHeader(listCheckpoints(join(dir, "full")).at(-1)!)).entries.map((e) => e.name);
    for (const group of ["model.", "ema.", "adam.m.", "adam.v."]) assert.ok(names.some((n) => n.endsWith("schedule.w_hat") && n.startsWith(group)), `${group} holds schedule.w_hat (${names.filter((n) => n.includes("w_hat"))})`);
    const log = readFileSync(join(dir, "full", "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.loss !== undefined);
    for (const r of log) {
      for (const k of ["diffusion", "reconstruction", "reinforce", "nelbo"]) assert.ok(Number.isFinite(r[k]), `step ${r.step}: term ${k}`);
      assert.ok(Math.abs(r.bpc - r.nelbo / Math.LN2) < 1e-12, "the logged bpc is the NELBO's, without the REINFORCE term");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("CLI: train, eval (two certified bounds), sample (ancestral; others refused with the reason), plot-schedule", () => {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-genmd4-cli-"));
  try {
    const cfg = join(dir, "genmd4.json");
    writeFileSync(cfg, JSON.stringify({ ...base, train: { ...base.train, steps: 6 } }));
    ok(runCli(["train", "--config", cfg, "--out", join(dir, "run"), "--samples", "0"], 120_000));
    const ckpt = listCheckpoints(join(dir, "run")).at(-1)!;
    const ev = runCli(["eval", "--checkpoint", ckpt, "--steps", "16", "--sequences", "32"]);
    ok(ev);
    const lines = ev.stdout.trim().split("\n");
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /nelbo .*continuous time.*\(certified upper bound\)\): ≤ \d/);
    assert.match(lines[1]!, /nelbo_T .*T = 16 \(certified upper bound\)\): ≤ \d/);
    const s = okJson(runCli(["sample", "--checkpoint", ckpt, "-n", "2", "--steps", "8", "--top-p", "0.9", "--json"]));
    assert.equal(s.samples.length, 2);
    assert.ok(s.samples.every((x: string) => x.length === 16));
    userError(runCli(["sample", "--checkpoint", ckpt, "--sampler", "remdm-cap"]), /sampler 'remdm-cap' does not work with this model's method; supported: ancestral \(ReMDM's σ_t bounds/);
    const svg = join(dir, "schedule.svg");
    const plot = okJson(runCli(["plot-schedule", "--checkpoint", ckpt, "--out", svg, "--json"]));
    assert.equal(Object.keys(plot.exponents).length, 5);
    assert.ok(readFileSync(svg, "utf8").startsWith("<svg") && readFileSync(svg, "utf8").includes("w_v"));
    userError(runCli(["plot-schedule", "--checkpoint", ckpt, "--out", join(dir, "x.png")]), /only SVG output/);
    assert.ok(!existsSync(join(dir, "x.png")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
