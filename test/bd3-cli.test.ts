// bd3 end to end on the CLI: train, eval (the certified per-block bound after ≤), sample past the trained length with a
// stop character, samplers refused with the list, and eval-samplers through the block generator on an HMM checkpoint.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { drawSamples } from "../src/api/draw-samples.js";
import { UserError } from "../src/cli/user-error.js";
import { datasetFromName } from "../src/data/index.js";
import { methodNamed } from "../src/methods/registry.js";
import { parseTrainConfig } from "../src/train/config.js";
import { ok, okJson, runCli, userError } from "./helpers/cli.js";

const base = {
  seed: 0,
  data: { name: "markov", seqLen: 12, markovSeed: 3, markovSymbols: 5, markovSize: 4000 },
  model: { d: 24, layers: 1, heads: 2, cond: 16 },
  method: { name: "bd3", block: 5 },
  train: { steps: 12, batch: 8, lr: 2e-3, warmup: 2, evalEvery: 12, evalSequences: 8, checkpointEvery: 12, keepCheckpoints: 1 },
};

let root = "";
let ckpt = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "maskdiff-bd3-cli-"));
  writeFileSync(join(root, "bd3.json"), JSON.stringify(base));
  const r = okJson(runCli(["train", "--config", join(root, "bd3.json"), "--out", join(root, "run"), "--samples", "2", "--json"], 120_000));
  assert.equal(r.valid.name, "nelbo");
  assert.equal(r.valid.certified, false);
  for (const s of r.samples) assert.match(s, /^[a-e]{12}$/);
  ckpt = join(root, "run", readdirSync(join(root, "run")).find((f) => f.startsWith("ckpt-"))!);
});
after(() => root && rmSync(root, { recursive: true, force: true }));

test("bd3 eval: the truncated continuous form under its own label, the per-block T-step bound after ≤", () => {
  const out = ok(runCli(["eval", "--checkpoint", ckpt, "--steps", "16", "--sequences", "16"])).stdout;
  assert.match(out, /valid nelbo .*per-block NELBO \(blocks of 5\).*not a certified bound\)\): \d/);
  assert.match(out, /valid nelbo_T .*T = 16 steps per block \(certified upper bound\)\): ≤ \d\.\d+ ± \d/);
  const json = okJson(runCli(["eval", "--checkpoint", ckpt, "--steps", "16", "--sequences", "16", "--json"]));
  assert.deepEqual(json.bounds.map((b: { name: string; certified: boolean }) => [b.name, b.certified]), [["nelbo", false], ["nelbo_T", true]]);
});

test("bd3 sample: past the trained length (sliding context), a stop character, first-hitting with one call per token", () => {
  const long = okJson(runCli(["sample", "--checkpoint", ckpt, "--length", "37", "--steps", "5", "--n", "3", "--json"]));
  for (const s of long.samples) assert.match(s, /^[a-e]{37}$/);
  assert.equal(long.stats.nfe, 3 * 8 * 5, "8 blocks of 5 steps per sequence");
  const stopped = okJson(runCli(["sample", "--checkpoint", ckpt, "--length", "60", "--stop", "a", "--n", "6", "--seed", "2", "--json"]));
  for (const s of stopped.samples) assert.ok(/^[b-e]*a$/.test(s) || /^[b-e]{60}$/.test(s), s);
  assert.ok(stopped.samples.some((s: string) => s.endsWith("a") && s.length < 60));
  const fh = okJson(runCli(["sample", "--checkpoint", ckpt, "--sampler", "first-hitting", "--steps", "5", "--n", "2", "--json"]));
  assert.equal(fh.stats.nfeNonCached, 2 * 12, "blocks of 5, 5 and 2: one call per token");
  const again = okJson(runCli(["sample", "--checkpoint", ckpt, "--sampler", "first-hitting", "--steps", "5", "--n", "2", "--json"]));
  assert.deepEqual(again.samples, fh.samples);
});

test("bd3 sample errors: a block-* sampler, a stop character outside the alphabet", () => {
  userError(runCli(["sample", "--checkpoint", ckpt, "--sampler", "block-ancestral"]), /block-ancestral' does not work with this model's method; supported: ancestral,/);
  userError(runCli(["sample", "--checkpoint", ckpt, "--stop", "z"]), /--stop 'z': no single token of dataset 'markov' decodes to it/);
});

test("a stop token with a method that samples every position at once is a UserError", () => {
  const config = parseTrainConfig({ ...base, method: { name: "md4" } });
  const data = datasetFromName("markov", { seed: 3, K: 5, size: 4000 });
  const model = methodNamed("md4").build(config, 5);
  assert.throws(
    () => drawSamples(model, data, { n: 1, steps: 4, sampler: "ancestral", seed: 0, length: 12, schedule: "linear", stop: 0 }),
    (e: Error) => e instanceof UserError && /--stop: this model's method generates every position at once/.test(e.message),
  );
});

test("bd3 eval-samplers on an HMM checkpoint: oracle NLL of block-generated samples, NFE per block counted", () => {
  const cfg = join(root, "hmm.json");
  writeFileSync(cfg, JSON.stringify({ ...base, data: { name: "hmm", seqLen: 12, hmmHidden: 3, hmmSize: 4000 }, method: { name: "bd3", block: 4 } }));
  ok(runCli(["train", "--config", cfg, "--out", join(root, "hmm"), "--samples", "0"], 120_000));
  const ck = join(root, "hmm", readdirSync(join(root, "hmm")).find((f) => f.startsWith("ckpt-"))!);
  const out = ok(runCli(["eval-samplers", "--checkpoint", ck, "--samplers", "ancestral,first-hitting", "--steps", "4", "-n", "4", "--json", "--no-reference"])).stdout;
  const rows = out.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r: { sampler: string; nfe: number }) => [r.sampler, r.nfe]), [["ancestral", 4 * 3 * 4], ["first-hitting", 4 * 3 * 4]]);
  assert.equal(rows[1].nfe_per_sequence, 12);
  assert.equal(rows[1].nfe_per_sequence_formula, null);
  for (const r of rows) assert.ok(r.oracle_nll > 0.5 && r.oracle_nll < 10);
});
