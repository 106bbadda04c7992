// Issue 18 end to end: eval-samplers with variable-step samplers (one row each, T null, NFE per sequence), the
// quality-against-NFE figure, the results manifest on eval-samplers and eval rows (checkpoint hash checked against
// node:crypto), sample's per-sequence NFE and --help listing of the spec keys; the manifest helper's labels.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { stepBound, truncatedContinuous } from "../src/diffusion/bounds.js";
import { estimatorLabel, resultManifest } from "../src/eval/manifest.js";
import { ok, okJson, runCli, userError } from "./helpers/cli.js";
import { trainTinyHmm } from "./helpers/tiny-hmm.js";

let root = "";
let ckpt = "";

before(() => {
  ({ root, ckpt } = trainTinyHmm("maskdiff-adaptive-"));
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const version = (JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8")) as { version: string }).version;
const sha = () => createHash("sha256").update(readFileSync(ckpt)).digest("hex");

test("eval-samplers: variable-step samplers give one row each (T null) with NFE per sequence; every row has its manifest; the NFE figure", () => {
  const plot = join(root, "nfe.svg");
  const samplers = "ancestral,first-hitting,confidence-threshold:tau=0.3,candidate=sample,entropy-bounded:gamma=2";
  const r = ok(runCli(["eval-samplers", "--checkpoint", ckpt, "--samplers", samplers, "--steps", "4", "--n", "8", "--seed", "3", "--json", "--plot-nfe", plot], 120_000));
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((x) => [x.sampler, x.T]), [["true-hmm", null], ["ancestral", 4], ["first-hitting", null], ["confidence-threshold:tau=0.3,candidate=sample", null], ["entropy-bounded:gamma=2", null]]);
  const [ref, anc, fh, thr, eb] = rows;
  assert.deepEqual([fh.nfe_seq_mean, fh.nfe_seq_min, fh.nfe_seq_max, fh.nfe], [12, 12, 12, 12], "first-hitting: one call per token");
  for (const x of [anc, thr, eb]) assert.ok(x.nfe_seq_min >= 1 && x.nfe_seq_min <= x.nfe_seq_mean && x.nfe_seq_mean <= x.nfe_seq_max && x.nfe_seq_max <= 12, JSON.stringify(x));
  assert.ok(anc.nfe_seq_max <= 4);
  assert.ok(Math.abs(anc.nfe_seq_mean - anc.nfe_per_sequence) < 1e-12, "per-sequence NFE sums to the predicted rows");
  // greedy entropy-bounded decoding is deterministic: its eight sequences agree, so its standard errors are 0
  assert.ok(eb.sample_entropy_stderr === 0 && eb.trigram_kl_stderr < 1e-9, `${eb.sample_entropy_stderr}, ${eb.trigram_kl_stderr}`);
  for (const x of rows) {
    if (x !== eb) assert.ok(x.sample_entropy_stderr > 0 && x.trigram_kl_stderr > 0, `standard errors of ${x.sampler}`);
    const m = x.manifest;
    assert.equal(m.checkpoint_sha256, sha());
    assert.equal(m.version, version);
    assert.equal(m.method, "md4");
    assert.deepEqual([m.estimator, m.n, m.seed, m.draw_dtype], ["samples", 8, 3, "float64"]);
  }
  assert.deepEqual([ref.manifest.sampler, ref.manifest.top_p, ref.manifest.t_range], ["true-hmm", null, null]);
  assert.deepEqual([anc.manifest.sampler, anc.manifest.top_p, anc.manifest.top_p_variant, anc.manifest.t_range], ["ancestral", 1, "mdlm", [0, 1]]);
  assert.equal(thr.manifest.sampler, "confidence-threshold:tau=0.3,candidate=sample");
  const svg = readFileSync(plot, "utf8");
  for (const text of ["network evaluations per sequence", "per-sample unigram entropy", "confidence-threshold (candidate=sample)", "first-hitting"]) assert.ok(svg.includes(text), `SVG lacks '${text}'`);
  userError(runCli(["eval-samplers", "--checkpoint", ckpt, "--samplers", "entropy-bounded:gamma=-2"]), /gamma must be a finite number ≥ 0/);
  userError(runCli(["eval-samplers", "--checkpoint", ckpt, "--samplers", "first-hitting", "--plot", join(root, "t.svg")]), /every sampler given takes a variable number of steps; use --plot-nfe/);
});

test("eval --json: each bound carries its manifest (estimator label, t range, N, seed, checkpoint hash)", () => {
  const r = okJson(runCli(["eval", "--checkpoint", ckpt, "--steps", "4", "--sequences", "4", "--seed", "2", "--json"], 120_000));
  const byName = Object.fromEntries(r.bounds.map((b: { name: string }) => [b.name, b]));
  assert.deepEqual(byName.nelbo.manifest.estimator_label, "truncated");
  assert.deepEqual(byName.nelbo.manifest.t_range, [1e-3, 1]);
  assert.deepEqual(byName.nelbo_T.manifest.estimator_label, "certified");
  assert.deepEqual(byName.nelbo_T.manifest.t_range, [0, 1]);
  for (const b of r.bounds) assert.deepEqual([b.manifest.n, b.manifest.seed, b.manifest.checkpoint_sha256, b.manifest.method, b.manifest.sampler], [4, 2, sha(), "md4", null]);
});

test("sample: per-sequence NFE in --json and on stderr; --help lists every sampler's spec keys; bad keys are one clear error", () => {
  const j = okJson(runCli(["sample", "--checkpoint", ckpt, "--sampler", "confidence-threshold:tau=0.2", "-n", "3", "--json"], 60_000));
  assert.equal(j.steps, null);
  assert.equal(j.stats.sequenceNfe.length, 3);
  assert.ok(j.nfe_per_sequence.min >= 1 && j.nfe_per_sequence.max <= 12);
  const again = okJson(runCli(["sample", "--checkpoint", ckpt, "--sampler", "confidence-threshold:tau=0.2", "-n", "3", "--json"], 60_000));
  assert.deepEqual(again.samples, j.samples, "same seed, same samples");
  const text = ok(runCli(["sample", "--checkpoint", ckpt, "--sampler", "first-hitting", "-n", "2"], 60_000));
  assert.match(text.stderr, /first-hitting, variable steps: nfe 12 \(per sequence mean 12\.00, min 12, max 12\)/);
  const help = ok(runCli(["sample", "--help"])).stdout;
  for (const line of [/confidence-threshold: tau, score, cap, candidate/, /entropy-bounded: gamma, cap, candidate/, /remdm-threshold: tau, score, cap, candidate, eta_cap/, /first-hitting: clock/, /tau: confidence threshold τ in \[0, 1\]/, /gamma: entropy budget/])
    assert.match(help, line);
  userError(runCli(["sample", "--checkpoint", ckpt, "--sampler", "remdm-threshold:cap=-1"]), /cap must be an integer ≥ 0/);
  userError(runCli(["sample", "--checkpoint", ckpt, "--sampler", "entropy-bounded", "--grid", "cosine"], 60_000), /takes as many steps as it needs, on its own clock; it has no time grid/);
});

test("manifest: labels of the three estimator forms, nulls where a field does not apply", () => {
  const o = { schedule: scheduleFromName("linear"), tMin: 1e-3, steps: 4 };
  assert.equal(estimatorLabel(stepBound("nelbo_T"), o), "certified");
  assert.equal(estimatorLabel(truncatedContinuous("nelbo", "NELBO", "digit"), o), "truncated");
  assert.equal(estimatorLabel(truncatedContinuous("nelbo_prime_paper", "MDM-Prime's joint objective (paper form, not a bound)", "joint"), o), "paper form");
  const m = resultManifest({ sampler: "ancestral" });
  assert.deepEqual(m, { method: null, estimator: null, estimator_label: null, t_range: null, sampler: "ancestral", top_p: null, top_p_variant: null, draw_dtype: "float64", n: null, seed: null, checkpoint_sha256: null, version });
});
