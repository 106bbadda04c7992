// The method seam: config dispatch through the registry, the shared DiT seams (per-token times, a latent,
// rotary length from the encoder), Module's duplicate-name refusal, and MDM-Prime end to end on the CLI.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { manualSeed, noGrad, randint, randn, tensor, tidy } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { antithetic } from "../src/diffusion/time-sampling.js";
import { DiT } from "../src/models/dit.js";
import { Linear, Module } from "../src/nn/index.js";
import { methodNamed } from "../src/methods/registry.js";
import { parseTrainConfig } from "../src/train/config.js";
import { ok, okJson, runCli, userError } from "./helpers/cli.js";

const base = {
  seed: 0,
  data: { name: "markov", seqLen: 12, markovSeed: 3, markovSymbols: 5, markovSize: 4000 },
  model: { d: 24, layers: 1, heads: 2, cond: 16 },
  train: { steps: 12, batch: 8, lr: 2e-3, warmup: 2, evalEvery: 12, evalSequences: 8, checkpointEvery: 12, keepCheckpoints: 1 },
};

test("a config without a method is MD4 (old configs and checkpoints); typos name the field", () => {
  assert.equal(parseTrainConfig(base).method.name, "md4");
  assert.deepEqual(parseTrainConfig({ ...base, method: { name: "prime", ell: 3 } }).method, { name: "prime", ell: 3, objective: "certified", group: 1, joint: true });
  assert.throws(() => parseTrainConfig({ ...base, method: { name: "prme" } }), /method\.name.*"md4", "prime"|method: .*md4.*prime/s);
  assert.throws(() => parseTrainConfig({ ...base, method: { name: "prime" } }), /method\.ell/);
  assert.throws(() => parseTrainConfig({ ...base, method: { name: "md4", ell: 2 } }), /method\.ell: unknown field/);
  assert.throws(() => parseTrainConfig({ ...base, diffusion: { schedule: "cosin" } }), /diffusion\.schedule: .*cosin/);
});

test("Prime ℓ = 1 trains the same loss as MD4 (same seeds: same mask, same network, both forms equal)", () => {
  const schedule = scheduleFromName("linear");
  const values = ["md4", "prime"].map((name) =>
    tidy(() => {
      const config = parseTrainConfig({ ...base, method: name === "md4" ? { name } : { name, ell: 1 } });
      manualSeed(5);
      const model = methodNamed(name).build(config, 5);
      const x = randint(0, 5, [4, 12]);
      const out = model.loss({ x, t: antithetic(4, new Rng(2)), schedule });
      return { loss: out.loss.item(), terms: out.terms };
    }),
  );
  const [md4, prime] = values as [{ loss: number; terms: Record<string, number> }, { loss: number; terms: Record<string, number> }];
  assert.ok(md4.loss > 0);
  assert.ok(Math.abs(md4.loss - prime.loss) < 1e-5 * md4.loss, `${md4.loss} vs ${prime.loss}`);
  assert.ok(Math.abs(prime.terms.nelbo_certified! - prime.terms.nelbo_prime_paper!) < 1e-5 * md4.loss);
});

test("the DiT takes per-token times and a latent; rotary length follows the encoder's output", () => {
  tidy(() => {
    manualSeed(1);
    const net = new DiT({ classes: 5, d: 16, layers: 1, heads: 2, cond: 8, latentDim: 3 });
    // open the adaLN gates so that the conditioning reaches the logits
    noGrad(() => net.loadStateDict(Object.fromEntries(net.namedParameters().map(([n, p]) => [n, n.includes("ada") ? randn(p.shape) : p]))));
    const z = randint(0, 6, [2, 7]);
    const latent = randn([2, 3]);
    const perSeq = net.forward(z, tensor([0.3, 0.8]), latent);
    assert.deepEqual(perSeq.shape, [2, 7, 5]);
    const perToken = net.forward(z, tensor([0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8], [2, 7]), latent);
    assert.ok(perSeq.sub(perToken).abs().max().item() < 1e-5, "constant per-token times equal per-sequence times");
    const mixed = net.forward(z, tensor([0.3, 0.3, 0.3, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8], [2, 7]), latent);
    assert.ok(mixed.sub(perSeq).abs().max().item() > 1e-4, "per-token times reach the logits");
    const other = net.forward(z, tensor([0.3, 0.8]), latent.add(1));
    assert.ok(other.sub(perSeq).abs().max().item() > 1e-4, "the latent reaches the logits");
    assert.throws(() => net.forward(z, tensor([0.3, 0.8])), /needs a latent of 3 dimensions/);
    const plain = new DiT({ classes: 5, d: 16, layers: 1, heads: 2, cond: 8 });
    assert.throws(() => plain.forward(z, tensor([0.3, 0.8]), latent), /no latent input/);
  });
  const prime = methodNamed("prime").build(parseTrainConfig({ ...base, model: { ...base.model, d: 24 }, method: { name: "prime", ell: 3 } }), 5);
  tidy(() => assert.deepEqual(prime.network.forward(randint(0, 3, [2, 12 * 3]), tensor([0.5, 0.5])).shape, [2, 12, 5]));
});

test("Module refuses two parameters with one name", () => {
  class Twice extends Module {
    constructor() {
      super();
      this.module("", new Linear(2, 2));
      this.module("", new Linear(2, 2));
    }
  }
  assert.throws(() => new Twice().namedParameters(), /two parameters are named 'weight'/);
});

let root = "";
let ckpt = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "maskdiff-prime-cli-"));
  writeFileSync(join(root, "prime.json"), JSON.stringify({ ...base, method: { name: "prime", ell: 2 } }));
  const r = okJson(runCli(["train", "--config", join(root, "prime.json"), "--out", join(root, "run"), "--samples", "2", "--json"], 120_000));
  assert.equal(r.valid.name, "nelbo_certified");
  assert.equal(r.valid.certified, false);
  for (const s of r.samples) assert.match(s, /^[a-e]{12}$/);
  ckpt = join(root, "run", readdirSync(join(root, "run")).find((f) => f.startsWith("ckpt-"))!);
});
after(() => root && rmSync(root, { recursive: true, force: true }));

test("Prime on the CLI: eval prints both forms with their labels and the certified T-step bound after ≤", () => {
  const out = ok(runCli(["eval", "--checkpoint", ckpt, "--steps", "24", "--sequences", "16"])).stdout;
  assert.match(out, /nelbo_certified .*certified form.*not a certified bound\)\): \d/);
  assert.match(out, /nelbo_prime_paper .*paper form, not a bound.*\)\): \d/);
  assert.match(out, /nelbo_T .*T = 24 \(certified upper bound\)\): ≤ \d/);
  const json = okJson(runCli(["eval", "--checkpoint", ckpt, "--sequences", "16", "--json"]));
  assert.deepEqual(json.bounds.map((b: { name: string }) => b.name), ["nelbo_certified", "nelbo_prime_paper"]);
});

test("Prime on the CLI: every applicable sampler runs; the others are refused with the list", () => {
  for (const s of ["ancestral", "remdm-cap", "remdm-rescale", "remdm-loop", "fb", "dfm"]) {
    const r = okJson(runCli(["sample", "--checkpoint", ckpt, "--sampler", s, "--steps", "48", "--n", "2", "--json"]));
    for (const text of r.samples) assert.match(text, /^[a-e]{12}$/, s);
    assert.equal(r.stats.nfe, 48);
  }
  userError(runCli(["sample", "--checkpoint", ckpt, "--sampler", "confidence-prob"]), /confidence-prob' does not work with this model's method; supported: ancestral, remdm-cap/);
});

test("Prime super-tokens on the CLI: train, eval and sample data tokens; a length the group does not divide is refused", () => {
  const cfg = join(root, "super.json");
  writeFileSync(cfg, JSON.stringify({ ...base, method: { name: "prime", ell: 3, group: 2 } }));
  const r = okJson(runCli(["train", "--config", cfg, "--out", join(root, "super"), "--samples", "2", "--json"], 120_000));
  for (const s of r.samples) assert.match(s, /^[a-e]{12}$/);
  const ck = join(root, "super", readdirSync(join(root, "super")).find((f) => f.startsWith("ckpt-"))!);
  assert.match(ok(runCli(["eval", "--checkpoint", ck, "--steps", "8", "--sequences", "8"])).stdout, /nelbo_T .*≤ \d/);
  userError(runCli(["sample", "--checkpoint", ck, "--length", "7"]), /--length 7: sequence length 7 is not a multiple of q = 2/);
  const odd = join(root, "odd.json");
  writeFileSync(odd, JSON.stringify({ ...base, data: { ...base.data, seqLen: 13 }, method: { name: "prime", ell: 3, group: 2 } }));
  userError(runCli(["train", "--config", odd, "--out", join(root, "odd")]), /method\.group = 2 must divide data\.seqLen = 13/);
  const badD = join(root, "bad-d.json");
  writeFileSync(badD, JSON.stringify({ ...base, method: { name: "prime", ell: 5 } }));
  userError(runCli(["train", "--config", badD, "--out", join(root, "bad-d")]), /model\.d = 24 must be divisible by method\.ell = 5/);
});
