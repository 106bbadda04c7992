// Sampler evaluation on the HMM oracle: the metric functions on hand-made inputs, the step-list
// parser, scoring against the oracle, and `maskdiff eval-samplers` end to end on a tiny checkpoint
// (JSON lines, markdown, the SVG figure) with its error paths (exit 2).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Rng } from "../src/engine/rng.js";
import { randomHmm } from "../src/data/index.js";
import {
  countsEntropy, klDivergence, meanStderr, perSequenceEntropy, smoothed, trigramCounts, trigramKl, unigramEntropy,
} from "../src/eval/sampler-eval-metrics.js";
import { oracleReference } from "../src/eval/sampler-eval-oracle.js";
import { scoreSamples } from "../src/eval/sampler-eval-score.js";
import { checkStepList, parseStepList } from "../src/eval/sampler-eval-steps.js";
import { okJson, runCli, userError } from "./helpers/cli.js";

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

test("metrics by hand: mean ± stderr, unigram and per-sequence entropy, trigram counts, KL", () => {
  const m = meanStderr([1, 2, 3, 4]);
  close(m.mean, 2.5, 1e-15, "mean");
  close(m.stderr, Math.sqrt(5 / 3 / 4), 1e-15, "stderr");
  close(unigramEntropy([[0, 0, 1, 1]], 2), Math.LN2, 1e-15, "H(0011)");
  close(unigramEntropy([[0, 0, 0], [1]], 3), -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 1e-15, "H pooled");
  close(perSequenceEntropy([[0, 0], [0, 1]], 2), Math.LN2 / 2, 1e-15, "mean per-sequence H");
  close(countsEntropy([2, 0, 2]), Math.LN2, 1e-15, "H of counts");
  const c = trigramCounts([[0, 1, 2, 0], [2, 2]], 3);
  assert.equal(c.reduce((a, b) => a + b, 0), 2);
  assert.equal(c[0 * 9 + 1 * 3 + 2], 1);
  assert.equal(c[1 * 9 + 2 * 3 + 0], 1);
  assert.deepEqual(Array.from(smoothed([3, 1], 0.5)), [3.5 / 5, 1.5 / 5]);
  close(klDivergence([0.5, 0.5], [0.25, 0.75]), 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 1e-15, "KL by hand");
  assert.equal(klDivergence([0.5, 0.5], [1, 0]), Infinity);
  const two = trigramKl([0.5, 0.5], [3, 1], 0.5); // smoothed samples q = (0.7, 0.3)
  close(two.trueModel, 0.5 * Math.log(0.5 / 0.7) + 0.5 * Math.log(0.5 / 0.3), 1e-15, "KL(true‖samples)");
  close(two.modelTrue, 0.7 * Math.log(0.7 / 0.5) + 0.3 * Math.log(0.3 / 0.5), 1e-15, "KL(samples‖true)");
  assert.throws(() => unigramEntropy([[0, 3]], 3), /id 3 at position 1 of sequence 0 is outside 0..2/);
  assert.throws(() => smoothed([1], 0), /alpha must be a finite number > 0/);
});

test("trigram KL of the true distribution against itself is ≈ 0, against another one > 0", () => {
  const p = randomHmm(0, { concentration: 0.15 });
  const oracle = oracleReference(p, 8, 0, { windows: 16 });
  const huge = Float64Array.from(oracle.trigram, (x) => x * 1e12);
  const self = trigramKl(oracle.trigram, huge, 1e-6);
  assert.ok(Math.abs(self.sum) < 1e-6, `self KL ${self.sum}`);
  const other = oracleReference(randomHmm(1, { concentration: 0.15 }), 8, 0, { windows: 16 }).trigram;
  const d = trigramKl(oracle.trigram, Float64Array.from(other, (x) => x * 1e12), 1e-6);
  assert.ok(d.trueModel > 0.5 && d.modelTrue > 0.5, `KL to another HMM ${d.trueModel}, ${d.modelTrue}`);
  close(d.sum, d.trueModel + d.modelTrue, 1e-12, "sum");
});

test("scoreSamples: true-HMM samples score at H(X1..XL)/L; constant samples have zero entropy and a large KL", () => {
  const hmm = randomHmm(2, { hidden: 4 });
  const L = 32;
  const oracle = oracleReference(hmm, L, 0, { windows: 2000, seed: 1 });
  const rng = new Rng(7);
  const truth = scoreSamples(Array.from({ length: 400 }, () => hmm.sample(L, rng)), oracle);
  close(truth.oracle_nll, oracle.windowEntropy.mean, 5 * Math.hypot(truth.oracle_nll_stderr, oracle.windowEntropy.stderr), "oracle NLL of true samples");
  close(truth.unigram_entropy, oracle.unigramEntropy, 0.05, "pooled unigram entropy of true samples");
  const constant = scoreSamples(Array.from({ length: 400 }, () => new Int32Array(L).fill(26)), oracle);
  assert.equal(constant.unigram_entropy, 0);
  assert.equal(constant.sample_entropy, 0);
  assert.ok(constant.trigram_kl > truth.trigram_kl + 3, `constant ${constant.trigram_kl} vs true ${truth.trigram_kl}`);
  assert.throws(() => scoreSamples([new Int32Array(5)], oracle), /sample 0 has length 5, expected 32/);
});

test("step lists: multiples of L, rounding, dedupe and errors", () => {
  assert.deepEqual(parseStepList("L/4,L/2,L,2L,4L", 64), [16, 32, 64, 128, 256]);
  assert.deepEqual(parseStepList("3L/2, 7, L, 64", 64), [7, 64, 96]);
  assert.deepEqual(parseStepList("L/4,L", 6), [2, 6]);
  assert.throws(() => parseStepList("L/0", 64), /'L\/0' is zero or divides by zero/);
  assert.throws(() => parseStepList("0", 64), /'0' is zero/);
  assert.throws(() => parseStepList("L/8", 2), /'L\/8' gives 0 steps for L = 2/);
  assert.throws(() => checkStepList("L,,2L"), /empty item/);
  assert.throws(() => checkStepList("2.5L"), /cannot read '2.5L'/);
  assert.throws(() => checkStepList("-4"), /cannot read '-4'/);
});

// ---- the command, end to end ----

let root = "";
let hmmCkpt = "";
let markovCkpt = "";

/** Trains a 20-step model from `data` and returns its checkpoint path. */
function trainTiny(name: string, data: object): string {
  const cfg = {
    seed: 0, data, model: { d: 32, layers: 1, heads: 2, cond: 16 },
    train: { steps: 20, batch: 8, lr: 2e-3, warmup: 5, evalEvery: 20, evalSequences: 8, checkpointEvery: 20, keepCheckpoints: 1 },
  };
  const path = join(root, `${name}.json`);
  writeFileSync(path, JSON.stringify(cfg));
  return okJson(runCli(["train", "--config", path, "--out", join(root, name), "--samples", "0", "--json"], 120_000)).checkpoint;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), "maskdiff-evalsamplers-"));
  hmmCkpt = trainTiny("hmm", { name: "hmm", seqLen: 12, hmmSeed: 1, hmmHidden: 3, hmmStickiness: 0.9, hmmSize: 5000 });
  markovCkpt = trainTiny("markov", { name: "markov", seqLen: 12, markovSeed: 1, markovSymbols: 4, markovSize: 2000 });
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const KEYS = [
  "sampler", "T", "oracle_nll", "oracle_nll_stderr", "true_entropy", "unigram_entropy", "trigram_kl", "trigram_kl_true_model",
  "trigram_kl_model_true", "nfe", "nfe_noncached", "nfe_per_sequence", "nfe_per_sequence_formula", "seconds",
];

test("eval-samplers --json --plot: one JSON line per sampler × T with every key, and an SVG figure", () => {
  const plot = join(root, "fig.svg");
  const r = runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--samplers", "ancestral,remdm-loop:eta=0.05,t_on=0.6", "--steps", "3,L", "--n", "6", "--seed", "4", "--json", "--plot", plot], 120_000);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((x) => [x.sampler, x.T]), [
    ["true-hmm", null], ["ancestral", 3], ["ancestral", 12], ["remdm-loop:eta=0.05,t_on=0.6", 3], ["remdm-loop:eta=0.05,t_on=0.6", 12],
  ]);
  for (const row of rows) {
    for (const k of KEYS) assert.ok(k in row, `key ${k} missing in ${JSON.stringify(row)}`);
    assert.ok(row.oracle_nll > 0 && Number.isFinite(row.oracle_nll) && row.oracle_nll_stderr > 0);
    assert.ok(row.trigram_kl > 0 && Math.abs(row.trigram_kl - row.trigram_kl_true_model - row.trigram_kl_model_true) < 1e-9);
    assert.ok(row.unigram_entropy > 0 && row.unigram_entropy <= Math.log(27) + 1e-12);
    assert.ok(row.true_entropy > 1 && row.true_entropy < row.true_unigram_entropy, `entropy rate ${row.true_entropy}`);
  }
  for (const row of rows.slice(1)) {
    assert.ok(row.nfe === row.T || row.nfe === row.T + 1, `nfe ${row.nfe} for T ${row.T}`);
    assert.ok(row.nfe_noncached >= 1 && row.nfe_noncached <= row.nfe && row.seconds > 0);
    assert.ok(row.nfe_per_sequence >= 1 && row.nfe_per_sequence <= row.nfe_noncached, `per-sequence N-NFE ${row.nfe_per_sequence}`);
    assert.ok(row.nfe_per_sequence_formula > 0 && row.nfe_per_sequence_formula <= row.T);
  }
  // an untrained model is far from the oracle; its samples score worse than the HMM's own
  assert.ok(rows[1].oracle_nll > rows[0].oracle_nll, `ancestral ${rows[1].oracle_nll} vs true ${rows[0].oracle_nll}`);
  assert.ok(existsSync(plot));
  const svg = readFileSync(plot, "utf8");
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*width="\d+"/);
  assert.match(svg, /<\/svg>\s*$/);
  for (const text of ["oracle NLL under the true HMM", "entropy rate", "ancestral", "remdm-loop:eta=0.05,t_on=0.6", "sampling steps T"]) {
    assert.ok(svg.includes(text), `SVG lacks '${text}'`);
  }
  assert.match(r.stderr, /wrote .*fig\.svg/);
  // same seed → same numbers (timings aside)
  const again = runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--samplers", "ancestral", "--steps", "3", "--n", "6", "--seed", "4", "--json"], 120_000);
  const a2 = again.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(a2[1].oracle_nll, rows[1].oracle_nll);
  assert.equal(a2[1].trigram_kl, rows[1].trigram_kl);
});

test("eval-samplers prints a markdown table by default", () => {
  const r = runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--samplers", "ancestral", "--steps", "L/4", "--n", "4", "--no-reference"], 120_000);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /entropy rate \d\.\d{4} nats\/token/);
  assert.match(r.stdout, /\| sampler \| T \| oracle NLL ± se \|/);
  assert.match(r.stdout, /\n\| ancestral \| 3 \| \d+\.\d{4} ± \d+\.\d{4} \|/);
  assert.doesNotMatch(r.stdout, /true-hmm/);
});

test("eval-samplers error paths exit 2 with one message", () => {
  userError(runCli(["eval-samplers", "--checkpoint", markovCkpt, "--n", "4", "--steps", "2"]), /trained on 'markov', not on the HMM oracle: comparing samplers needs the oracle's exact likelihood/);
  userError(runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--samplers", "ancestral,nosuch"]), /unknown sampler 'nosuch'/);
  userError(runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--samplers", "remdm-loop:bogus=1"]), /takes no option 'bogus'/);
  userError(runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--steps", "L/0"]), /--steps: .*divides by zero/);
  userError(runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--steps", "many"]), /--steps: .*cannot read 'many'/);
  userError(runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--steps", "L/64"]), /gives 0 steps for L = 12/);
  userError(runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--plot", join(root, "fig.png")]), /only SVG output/);
  userError(runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--plot", join(root, "no", "dir", "f.svg")]), /does not exist/);
  userError(runCli(["eval-samplers", "--checkpoint", join(root, "missing.safetensors")]), /does not exist/);
  userError(runCli(["eval-samplers", "--checkpoint", hmmCkpt, "--n", "1"]), /expected an integer ≥ 2/);
});
