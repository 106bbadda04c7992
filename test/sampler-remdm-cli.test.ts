// `maskdiff sample` with the ReMDM family and the sampler zoo, end to end in child processes: every sampler
// on a tiny trained checkpoint (a few runs as child processes, the rest through drawSamples in process), the flags
// in --help, and bad values as one-message exit 2. The policies' own value checks are in sampler-remdm.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseSamplerSpec, samplerNames } from "../src/diffusion/samplers/index.js";
import { drawSamples, specWithOptions } from "../src/api/draw-samples.js";
import { loadModel } from "../src/api/load-model.js";
import { UserError } from "../src/cli/user-error.js";
import { ok, okJson, runCli, userError } from "./helpers/cli.js";

const LETTERS = /^[a-e]{16}$/;
let root = "";
let ckpt = "";

before(() => {
  root = mkdtempSync(join(tmpdir(), "maskdiff-remdm-cli-"));
  const config = {
    seed: 0,
    data: { name: "markov", seqLen: 16, markovSeed: 3, markovSymbols: 5, markovSize: 2000 },
    model: { d: 16, layers: 1, heads: 2, cond: 8 },
    train: { steps: 4, batch: 4, lr: 2e-3, warmup: 1, evalEvery: 4, evalSequences: 4, checkpointEvery: 4, keepCheckpoints: 1 },
  };
  writeFileSync(join(root, "tiny.json"), JSON.stringify(config));
  ckpt = okJson(runCli(["train", "--config", join(root, "tiny.json"), "--out", join(root, "run"), "--samples", "0", "--json"], 120_000)).checkpoint;
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const base = (): string[] => ["sample", "--checkpoint", ckpt, "--n", "2", "--seed", "3", "--json"];

test("sample by flags: remdm-loop with all four loop options, block-confidence-prob with block and temperature", () => {
  const runs: [string[], string][] = [
    [["--sampler", "remdm-loop", "--eta", "0.05", "--t-on", "0.6", "--t-off", "0.05", "--alpha-on", "0.9"], "remdm-loop:eta=0.05,t_on=0.6"],
    [["--sampler", "block-confidence-prob", "--block", "8", "--temperature", "0.5"], "block-confidence-prob:block=8,temperature=0.5"],
  ];
  for (const [args, name] of runs) {
    const r = okJson(runCli([...base(), "--steps", "64", ...args]));
    assert.equal(r.sampler, name);
    assert.equal(r.stats.nfe, 64, name);
    assert.equal(r.samples.length, 2);
    for (const s of r.samples) assert.match(s, LETTERS, name);
  }
});

test("drawSamples (the command's body) with every sampler at T = 4L, options from flags merged into the spec", async () => {
  const { model, data, meta } = await loadModel(ckpt);
  const at = { length: meta.config.data.seqLen, schedule: meta.config.diffusion.schedule };
  for (const name of samplerNames) {
    const spec = specWithOptions(name, { block: name.startsWith("block") ? 4 : undefined });
    const out = drawSamples(model, data, { ...at, n: 2, steps: 64, sampler: spec, seed: 1 });
    assert.equal(out.length, 2);
    for (const s of out) assert.match(s.text, LETTERS, name);
    // variable-step samplers stop when every position is revealed: at most one call per position (first-hitting: exactly)
    if (!parseSamplerSpec(spec).untilDone) assert.equal(out[0]!.stats.nfe, 64, name);
    else if (name === "first-hitting") assert.equal(out[0]!.stats.nfe, at.length, name);
    else assert.ok(out[0]!.stats.nfe >= 1 && out[0]!.stats.nfe <= at.length, `${name}: nfe ${out[0]!.stats.nfe}`);
  }
  assert.equal(specWithOptions("remdm-rescale", { eta_rescale: 0.1, eta: undefined }), "remdm-rescale:eta_rescale=0.1");
  assert.equal(specWithOptions("remdm-cap:eta_cap=0.1", { eta_cap: 0.2 }), "remdm-cap:eta_cap=0.1,eta_cap=0.2"); // rejected as given twice
  assert.throws(() => drawSamples(model, data, { ...at, n: 1, steps: 8, sampler: "remdm-rescale", temperature: 0.5, seed: 0 }), (e: Error) => e instanceof UserError && /takes no option 'temperature'/.test(e.message));
  assert.throws(() => drawSamples(model, data, { ...at, n: 1, steps: 3, sampler: "block-ancestral:block=4", seed: 0 }), (e: Error) => e instanceof UserError && /need T ≥ 4/.test(e.message));
});

test("sample --help lists every sampler and every sampler option flag", () => {
  const help = ok(runCli(["sample", "--help"])).stdout;
  for (const flag of ["--eta-cap", "--eta-rescale", "--eta", "--t-on", "--t-off", "--alpha-on", "--block", "--temperature"]) {
    assert.match(help, new RegExp(`${flag} <`), `--help should list ${flag}`);
  }
  const flat = help.replace(/\s+/g, " ");
  for (const name of samplerNames) assert.ok(flat.includes(name), `--help should name ${name}`);
});

test("sample with invalid sampler options: exit 2 with one message naming the value and the range", () => {
  const cases: [string[], RegExp][] = [
    [["--sampler", "remdm-cap", "--eta-cap", "1.5"], /eta_cap must be in \[0, 1\], got 1\.5/],
    [["--sampler", "block-ancestral", "--block", "2", "--steps", "4"], /need T ≥ 8/],
    [["--sampler", "ancestral", "--eta", "0.1"], /sampler 'ancestral' takes no option 'eta'/],
  ];
  for (const [args, pattern] of cases) userError(runCli([...base(), ...args]), pattern);
});

test("sample --remdm-compat official: same draws as the spec key compat=official, documented in --help, refused with --grid", () => {
  const byFlag = okJson(runCli([...base(), "--steps", "32", "--sampler", "fb", "--remdm-compat", "official"]));
  const bySpec = okJson(runCli([...base(), "--steps", "32", "--sampler", "fb:compat=official"]));
  const ours = okJson(runCli([...base(), "--steps", "32", "--sampler", "fb"]));
  assert.equal(byFlag.sampler, "fb:compat=official");
  assert.deepEqual(byFlag.samples, bySpec.samples);
  // the official grid ends at t = 1e-5 > 0, so one final fill follows the T steps (the official noise removal)
  assert.equal(byFlag.stats.nfe, 33);
  assert.equal(ours.stats.nfe, 32);
  const help = ok(runCli(["sample", "--help"])).stdout.replace(/\s+/g, " ");
  assert.match(help, /--remdm-compat <mode>.*official.*linspace\(1, 1e-5, T\+1\).*fb's σ not clamped to σ_max/);
  userError(runCli([...base(), "--sampler", "remdm-loop", "--remdm-compat", "official", "--grid", "cosine"]), /--grid cosine: sampler 'remdm-loop:compat=official' runs on the 'official' time grid, but grid 'cosine' was asked for; drop --grid or the sampler's compat option/);
  userError(runCli([...base(), "--sampler", "ancestral", "--remdm-compat", "official"]), /sampler 'ancestral' takes no option 'compat'/);
});
