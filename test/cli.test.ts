// End-to-end tests of the `maskdiff` command line, each command run in a child process:
// train → sample → eval on a tiny Markov run, resume, help, and the error paths
// (exit code 2, one message, no stack trace, no file touched).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ok, okJson, runCli, snapshot, userError } from "./helpers/cli.js";
import { datasetFromName } from "../src/data/index.js";
import type { MarkovChain } from "../src/data/markov.js";

const K = 5;
const LETTERS = new RegExp(`^[a-${String.fromCharCode(96 + K)}]{16}$`);
const config = {
  seed: 0,
  data: { name: "markov", seqLen: 16, markovSeed: 3, markovSymbols: K, markovSize: 4000 },
  model: { d: 32, layers: 1, heads: 2, cond: 16 },
  train: { steps: 20, batch: 8, lr: 2e-3, warmup: 5, evalEvery: 10, evalSequences: 16, checkpointEvery: 10, keepCheckpoints: 2 },
};

let root = "";
let cfgPath = "";
let runDir = "";
let ckpt = "";
let trainReport: any;
let trainStderr = "";

/** The exact entropy of the config's Markov chain in bits per token at L = 16: no bound can be below it. */
function entropyBits(): number {
  const d = datasetFromName("markov", { seed: 3, K, size: 4000 }) as unknown as { chain: MarkovChain };
  return d.chain.exactSequenceEntropy(16) / 16 / Math.LN2;
}

/** A bound's estimate must not be significantly below the entropy (it is an upper bound on −log p). */
function aboveEntropy(r: { bpc: number; bpc_stderr: number }, what: string): void {
  const h = entropyBits();
  assert.ok(h > 0.3 && h < Math.log2(K), `entropy ${h}`);
  assert.ok(r.bpc > h - 4 * r.bpc_stderr, `${what}: ${r.bpc} ± ${r.bpc_stderr} bpc is below the entropy ${h} bpc`);
}

/** Writes a config derived from the base one (deep copy, then `edit`) and returns its path. */
function writeConfig(name: string, edit: (c: any) => void = () => {}): string {
  const c = structuredClone(config) as any;
  edit(c);
  const p = join(root, name);
  writeFileSync(p, JSON.stringify(c, null, 2));
  return p;
}

/** Runs a command that must fail as a user error and checks that nothing under the temp dir changed. */
function failsCleanly(args: string[], pattern?: RegExp): string {
  // Directory mtimes are left out: a train refused after taking the run lock (e.g. --resume with another
  // config) creates and removes the lock file, which touches the run directory's mtime and nothing else.
  const files = () => Object.fromEntries(Object.entries(snapshot(root)).map(([k, v]) => [k, k.endsWith("/") ? "dir" : v]));
  const before = files();
  const stderr = userError(runCli(args), pattern);
  assert.deepEqual(files(), before, `maskdiff ${args.join(" ")} changed files under ${root}`);
  return stderr;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), "maskdiff-cli-"));
  cfgPath = writeConfig("tiny.json");
  runDir = join(root, "run");
  const r = runCli(["train", "--config", cfgPath, "--out", runDir, "--samples", "2", "--json"], 120_000);
  trainReport = okJson(r);
  trainStderr = r.stderr;
  ckpt = trainReport.checkpoint;
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test("train --json: report, checkpoints and log in the run directory", () => {
  assert.equal(trainReport.steps, 20);
  assert.equal(ckpt, join(runDir, "ckpt-00000020.safetensors"));
  assert.ok(existsSync(ckpt));
  assert.equal(typeof trainReport.valid?.bpc, "number");
  assert.ok(Number.isFinite(trainReport.valid.bpc) && trainReport.valid.bpc > 0, `valid.bpc ${trainReport.valid.bpc}`);
  aboveEntropy(trainReport.valid, "train's validation bound");
  // an untrained model is at log2(K) bits or worse; anything far below the entropy would be a bug
  assert.ok(trainReport.valid.bpc < 4 * Math.log2(K), `valid.bpc ${trainReport.valid.bpc} is implausible`);
  const { unigram, bigram } = trainReport.baselines_bits_per_token;
  assert.ok(unigram > 0 && unigram <= Math.log2(K) + 1e-9, `unigram ${unigram}`);
  assert.ok(bigram > 0 && bigram <= unigram + 0.05, `bigram ${bigram}, unigram ${unigram}`);
  assert.equal(trainReport.samples.length, 2);
  for (const s of trainReport.samples) assert.match(s, LETTERS);
  // keepCheckpoints 2, checkpointEvery 10, 20 steps → exactly steps 10 and 20 remain
  const files = readdirSync(runDir).sort();
  assert.deepEqual(files, ["ckpt-00000010.safetensors", "ckpt-00000020.safetensors", "log.jsonl"]);
  const log = readFileSync(join(runDir, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(log.length > 0);
  const valids = log.filter((e) => e.valid).map((e) => e.step);
  assert.deepEqual(valids, [10, 20]);
  assert.equal(log.filter((e) => e.valid).at(-1).valid.bpc, trainReport.valid.bpc);
  // progress goes to stderr, never mixed into the JSON on stdout
  assert.match(trainStderr, /step 20\/20/);
});

test("sample --json: n samples of length L over the chain's letters; seeded", () => {
  const base = ["sample", "--checkpoint", ckpt, "--n", "3", "--json"];
  const a = okJson(runCli([...base, "--seed", "5"]));
  assert.equal(a.sampler, "ancestral");
  assert.equal(a.steps, 16);
  assert.equal(a.seed, 5);
  assert.equal(a.samples.length, 3);
  for (const s of a.samples) assert.match(s, LETTERS);
  assert.ok(a.stats.nfe === 16 && a.stats.nfeNonCached <= a.stats.nfe, JSON.stringify(a.stats));
  const again = okJson(runCli([...base, "--seed", "5"]));
  assert.deepEqual(again.samples, a.samples, "same seed must give the same samples");
  assert.deepEqual(again.stats, a.stats);
  const other = okJson(runCli([...base, "--seed", "6"]));
  assert.equal(other.samples.length, 3);
  assert.notDeepEqual(other.samples, a.samples, "a different seed should give different samples");
});

test("sample: confidence-margin sampler, md4 top-p, and T > L with caching", () => {
  const base = ["sample", "--checkpoint", ckpt, "--n", "3", "--seed", "5", "--json"];
  const conf = okJson(runCli([...base, "--sampler", "confidence-margin"]));
  assert.equal(conf.sampler, "confidence-margin");
  assert.equal(conf.samples.length, 3);
  for (const s of conf.samples) assert.match(s, LETTERS);
  assert.ok(conf.stats.nfeNonCached <= conf.stats.nfe, JSON.stringify(conf.stats));

  const topP = okJson(runCli([...base, "--top-p", "0.9", "--top-p-variant", "md4"]));
  assert.equal(topP.top_p, 0.9);
  assert.equal(topP.samples.length, 3);
  for (const s of topP.samples) assert.match(s, LETTERS);
  assert.ok(topP.stats.nfeNonCached <= topP.stats.nfe, JSON.stringify(topP.stats));

  // 64 steps for 16 positions: most steps reveal nothing, and a time-agnostic model's
  // prediction is reused across them, so fewer network calls than steps
  const long = okJson(runCli([...base, "--steps", "64"]));
  assert.equal(long.steps, 64);
  assert.equal(long.stats.nfe, 64);
  assert.ok(long.stats.nfeNonCached < long.stats.nfe, `expected caching at T > L: ${JSON.stringify(long.stats)}`);
  assert.ok(long.stats.nfeNonCached <= 16 + long.stats.nfe - long.stats.idleSteps, JSON.stringify(long.stats));
  for (const s of long.samples) assert.match(s, LETTERS);
});

test("sample without --json prints one sample per line and a summary on stderr", () => {
  const r = ok(runCli(["sample", "--checkpoint", ckpt, "--n", "2", "--seed", "5"]));
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 2);
  for (const l of lines) assert.match(l, LETTERS);
  assert.match(r.stderr, /ancestral, T=16: nfe 16/);
});

test("eval --json: continuous bound, T-step bound, test split", () => {
  const cont = okJson(runCli(["eval", "--checkpoint", ckpt, "--json"]));
  for (const k of ["bpc", "bpc_stderr", "nats_per_token", "steps"]) assert.ok(k in cont, `missing key ${k}`);
  assert.equal(cont.steps, null);
  assert.equal(cont.split, "valid");
  assert.ok(Number.isFinite(cont.bpc) && cont.bpc > 0 && cont.bpc_stderr >= 0);
  assert.ok(Math.abs(cont.bpc - cont.nats_per_token / Math.LN2) < 1e-9, "bpc must be nats/ln 2");

  const discrete = okJson(runCli(["eval", "--checkpoint", ckpt, "--json", "--steps", "8"]));
  assert.equal(discrete.steps, 8);
  assert.ok(Number.isFinite(discrete.bpc) && discrete.bpc > 0);
  aboveEntropy(cont, "continuous bound");
  aboveEntropy(discrete, "8-step bound");

  const testSplit = okJson(runCli(["eval", "--checkpoint", ckpt, "--json", "--split", "test"]));
  assert.equal(testSplit.split, "test");
  assert.equal(testSplit.steps, null);
  assert.ok(Number.isFinite(testSplit.bpc) && testSplit.bpc > 0);
  aboveEntropy(testSplit, "test split");
  assert.notEqual(testSplit.bpc, cont.bpc, "valid and test splits should differ");
});

test("eval reproduces the validation the trainer reported (same EMA weights, seed and sequences)", () => {
  // the trainer validates with seed config.seed + 3 on at most evalSequences sequences
  const r = okJson(runCli(["eval", "--checkpoint", ckpt, "--json", "--seed", "3", "--sequences", "16"]));
  assert.equal(r.checkpoint_step, 20);
  assert.ok(Math.abs(r.bpc - trainReport.valid.bpc) < 1e-9, `eval ${r.bpc} vs train report ${trainReport.valid.bpc}`);
});

test("sample/eval with a missing, truncated, random or foreign checkpoint: exit 2, files untouched", () => {
  const truncated = join(root, "truncated.safetensors");
  const bytes = readFileSync(ckpt);
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const random = join(root, "random.safetensors");
  writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)));
  // a well-formed safetensors file (8-byte LE header length + JSON header) that is not a maskdiff checkpoint
  const foreign = join(root, "foreign.safetensors");
  const header = Buffer.from(JSON.stringify({ __metadata__: { format: "other" } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(foreign, Buffer.concat([len, header]));

  const sample = ["sample", "--n", "1"];
  failsCleanly([...sample, "--checkpoint", join(root, "nope.safetensors")], /does not exist/);
  failsCleanly([...sample, "--checkpoint", runDir], /not a file/);
  failsCleanly([...sample, "--checkpoint", truncated], /truncated\.safetensors/);
  failsCleanly([...sample, "--checkpoint", random], /random\.safetensors/);
  failsCleanly([...sample, "--checkpoint", foreign], /not a maskdiff checkpoint/);
  // eval loads checkpoints through the same code; spot-check it
  failsCleanly(["eval", "--checkpoint", join(root, "nope.safetensors")], /does not exist/);
  failsCleanly(["eval", "--checkpoint", truncated], /truncated\.safetensors/);
  failsCleanly(["eval", "--checkpoint", foreign], /not a maskdiff checkpoint/);
  // and the real checkpoint is still usable
  assert.equal(okJson(runCli(["sample", "--checkpoint", ckpt, "--n", "1", "--json"])).samples.length, 1);
});

test("sample with bad option values: exit 2 naming the option, files untouched", () => {
  const cases: [string[], RegExp][] = [
    [["--sampler", "nope"], /--sampler.*nope/],
    [["--top-p", "1.5"], /--top-p.*1\.5/],
    [["--top-p", "0"], /--top-p.*'0'/],
    [["--n", "0"], /--n.*'0'/],
    [["--steps", "-3"], /--steps.*-3/],
    [["--seed", "abc"], /--seed.*abc/],
    [["--top-p-variant", "xyz"], /--top-p-variant/],
  ];
  for (const [args, pattern] of cases) failsCleanly(["sample", "--checkpoint", ckpt, ...args], pattern);
  failsCleanly(["eval", "--checkpoint", ckpt, "--steps", "0"], /--steps/);
});

test("train with a bad config: exit 2 with the field or file named, no run directory created", () => {
  const out = join(root, "never");
  const unknown = writeConfig("unknown-field.json", (c) => (c.model.depth = 2));
  const msg = failsCleanly(["train", "--config", unknown, "--out", out]);
  assert.match(msg, /unknown-field\.json/);
  assert.match(msg, /^\s*model\b.*\bdepth\b/m, "the message should name model.depth");

  const wrongType = writeConfig("wrong-type.json", (c) => (c.train.lr = "fast"));
  assert.match(failsCleanly(["train", "--config", wrongType, "--out", out]), /^\s*train\.lr: .*number/m);

  const invalid = join(root, "invalid.json");
  writeFileSync(invalid, '{ "seed": 0, ');
  failsCleanly(["train", "--config", invalid, "--out", out], /invalid\.json is not valid JSON/);

  failsCleanly(["train", "--config", join(root, "missing.json"), "--out", out], /missing\.json/);

  const badHeads = writeConfig("bad-heads.json", (c) => (c.model.heads = 3));
  failsCleanly(["train", "--config", badHeads, "--out", out], /divisible by heads/);

  assert.ok(!existsSync(out), "a failed train must not create the run directory");
});

test("train into an existing run without --resume: exit 2, checkpoints unchanged", () => {
  const bytes = readFileSync(ckpt);
  const mtime = statSync(ckpt).mtimeMs;
  failsCleanly(["train", "--config", cfgPath, "--out", runDir], /already holds checkpoints/);
  assert.deepEqual(readFileSync(ckpt), bytes);
  assert.equal(statSync(ckpt).mtimeMs, mtime);
});

test("--resume with a different model config: exit 2 saying what differs, nothing changed", () => {
  const dropout = writeConfig("dropout.json", (c) => (c.model.dropout = 0.1));
  const msg = failsCleanly(["train", "--config", dropout, "--out", runDir, "--resume"], /does not match/);
  assert.match(msg, /model: .*"dropout":0\b.*"dropout":0\.1/, "the message should show the differing model config");

  const wider = writeConfig("wider.json", (c) => (c.model.d = 64));
  const msg2 = failsCleanly(["train", "--config", wider, "--out", runDir, "--resume"], /does not match/);
  assert.match(msg2, /32.*64|"d":32.*"d":64/, "the message should show the differing width");

  const otherData = writeConfig("other-data.json", (c) => (c.data.markovSeed = 4));
  failsCleanly(["train", "--config", otherData, "--out", runDir, "--resume"], /data: .*markovSeed/);
});

test("--resume into a directory without checkpoints: exit 2, no directory created", () => {
  const empty = join(root, "empty-run");
  failsCleanly(["train", "--config", cfgPath, "--out", empty, "--resume"], /no checkpoint/);
  assert.ok(!existsSync(empty));
});

test("data with an unknown dataset name: exit 2", () => {
  failsCleanly(["data", "nope"], /nope/);
  failsCleanly(["nope"], /unknown command/);
});

test("train --stop-after 10 then --resume ends at step 20, identical to the uninterrupted run", () => {
  const dir = join(root, "resumed");
  const part = okJson(runCli(["train", "--config", cfgPath, "--out", dir, "--stop-after", "10", "--samples", "0", "--json"]));
  assert.equal(part.steps, 10);
  assert.deepEqual(part.samples, []);
  assert.deepEqual(readdirSync(dir).sort(), ["ckpt-00000010.safetensors", "log.jsonl"]);
  const full = okJson(runCli(["train", "--config", cfgPath, "--out", dir, "--resume", "--samples", "2", "--json"]));
  assert.equal(full.steps, 20);
  assert.equal(full.checkpoint, join(dir, "ckpt-00000020.safetensors"));
  assert.deepEqual(full.valid, trainReport.valid);
  assert.deepEqual(full.samples, trainReport.samples);
  assert.ok(readFileSync(full.checkpoint).equals(readFileSync(ckpt)), "the resumed checkpoint should equal the uninterrupted run's");
  const steps = (f: string) => readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l)).map((e) => [e.step, e.loss ?? e.valid.bpc]);
  assert.deepEqual(steps(join(dir, "log.jsonl")), steps(join(runDir, "log.jsonl")));
});

test("--help lists the commands; sample --help lists its options", () => {
  const top = ok(runCli(["--help"]));
  for (const c of ["train", "sample", "eval", "data"]) assert.match(top.stdout, new RegExp(`^\\s+${c}\\b`, "m"), `--help should list ${c}`);
  const sample = ok(runCli(["sample", "--help"]));
  for (const o of ["--checkpoint", "--sampler", "--top-p", "--top-p-variant", "--steps", "--seed", "--n", "--json"])
    assert.match(sample.stdout, new RegExp(`${o}\\b`), `sample --help should mention ${o}`);
  assert.match(sample.stdout, /confidence-margin/);
});
