// The library entry point (src/index.ts) used as a consumer would: train from a config object with progress
// callbacks and an AbortSignal, load the checkpoint, sample, evaluate, compare samplers; typed errors for bad
// input; the same numbers as the CLI; nothing printed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { compareSamplers, datasetFromName, loadModel, MaskdiffError, train, UserError, type LoadedModel, type StepReport } from "../src/index.js";
import { okJson, runCli } from "./helpers/cli.js";

const config = {
  seed: 0,
  data: { name: "hmm", seqLen: 16, hmmSeed: 1, hmmHidden: 4, hmmSize: 20000 },
  model: { d: 32, layers: 1, heads: 2, cond: 16 },
  train: { steps: 10, batch: 8, lr: 2e-3, warmup: 2, evalEvery: 5, evalSequences: 8, checkpointEvery: 5 },
};

let root = "";
let model: LoadedModel;
let ckpt = "";

before(async () => {
  root = mkdtempSync(join(tmpdir(), "maskdiff-lib-"));
  const run = await train(config, { out: join(root, "run") });
  assert.equal(run.step, 10);
  assert.equal(run.aborted, false);
  model = run.model;
  ckpt = run.checkpoint;
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Asserts that fn throws (or rejects with) a UserError with code INVALID_INPUT whose message matches. */
async function userError(fn: () => unknown, pattern: RegExp): Promise<void> {
  await assert.rejects(async () => fn(), (e: unknown) => {
    assert.ok(e instanceof UserError && e instanceof MaskdiffError, `expected a UserError, got ${e}`);
    assert.equal(e.code, "INVALID_INPUT");
    assert.match(e.message, pattern);
    return true;
  });
}

test("train reports every step and each validation, and its model samples sequences of the asked shape", async () => {
  const steps: StepReport[] = [];
  const evals: number[] = [];
  const run = await train(config, { out: join(root, "progress"), onProgress: (s) => steps.push(s), onEval: (step) => evals.push(step) });
  assert.deepEqual(steps.map((s) => s.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.ok(steps.every((s) => s.totalSteps === 10 && Number.isFinite(s.loss)));
  assert.deepEqual(evals, [5, 10]);
  assert.equal(run.valid?.name, model.method.bounds(model.config)[0]!.name);
  const s = run.model.sample({ n: 3, length: 12, steps: 6, sampler: "remdm-loop", seed: 2 });
  assert.equal(s.tokens.length, 3);
  for (const t of s.tokens) {
    assert.equal(t.length, 12);
    assert.ok(t.every((v) => Number.isInteger(v) && v >= 0 && v < model.data.vocabSize), `tokens ${t}`);
  }
  assert.deepEqual(s.texts, s.tokens.map((t) => model.data.decode(t)));
  assert.equal(s.steps, 6);
  assert.match(s.sampler, /^remdm-loop/);
});

test("the same seed gives the same run and the same samples; another seed other samples", async () => {
  const again = await train(config, { out: join(root, "again") });
  const a = model.sample({ n: 4, seed: 7 });
  assert.deepEqual(again.model.sample({ n: 4, seed: 7 }).texts, a.texts);
  assert.deepEqual(model.sample({ n: 4, seed: 7 }).texts, a.texts);
  assert.notDeepEqual(model.sample({ n: 4, seed: 8 }).texts, a.texts);
  assert.deepEqual(again.model.evaluate({ sequences: 8 }), model.evaluate({ sequences: 8 }));
});

test("an aborted signal ends the run after the current step with a checkpoint, and resume finishes it", async () => {
  const out = join(root, "abort");
  const ac = new AbortController();
  const run = await train(config, { out, signal: ac.signal, onProgress: (s) => s.step === 3 && ac.abort() });
  assert.equal(run.aborted, true);
  assert.equal(run.step, 3);
  assert.equal(basename(run.checkpoint), "ckpt-00000003.safetensors");
  const rest = await train(config, { out, resume: true });
  assert.equal(rest.aborted, false);
  assert.equal(rest.step, 10);
  assert.deepEqual(rest.model.sample({ n: 2, seed: 3 }).texts, model.sample({ n: 2, seed: 3 }).texts, "abort + resume continues the same run exactly");
});

test("an abort fired from a timer stops the run: the loop gives the event loop a turn each step", async () => {
  const ac = new AbortController();
  const run = await train({ ...config, train: { ...config.train, steps: 200, evalEvery: 1000, checkpointEvery: 1000 } }, {
    out: join(root, "timer"), signal: ac.signal, onProgress: (s) => s.step === 2 && setTimeout(() => ac.abort(), 0),
  });
  assert.equal(run.aborted, true);
  assert.ok(run.step >= 2 && run.step < 200, `stopped at step ${run.step}`);
  assert.ok(existsSync(run.checkpoint));
});

test("loadModel gives back the trained model: its samples and bounds are the CLI's for the same seed", async () => {
  const loaded = await loadModel(ckpt);
  assert.equal(loaded.config.data.name, "hmm");
  assert.equal(loaded.meta.step, 10);
  const cli = okJson(runCli(["sample", "--checkpoint", ckpt, "--json", "--n", "3", "--seed", "5", "--sampler", "remdm-loop", "--steps", "8"]));
  const lib = loaded.sample({ n: 3, seed: 5, sampler: "remdm-loop", steps: 8 });
  assert.deepEqual(lib.texts, cli.samples);
  assert.equal(lib.sampler, cli.sampler);
  const cliEval = okJson(runCli(["eval", "--checkpoint", ckpt, "--json", "--steps", "4", "--sequences", "8", "--seed", "1"]));
  const libEval = loaded.evaluate({ steps: 4, sequences: 8, seed: 1 });
  assert.deepEqual(libEval.map((r) => [r.name, r.bpc, r.certified]), cliEval.bounds.map((r: { name: string; bpc: number; certified: boolean }) => [r.name, r.bpc, r.certified]));
  assert.ok(libEval.some((r) => r.certified) && libEval.length > model.evaluate({ sequences: 8, seed: 1 }).length, "steps adds the certified T-step bounds");
});

test("compareSamplers scores each sampler × T against the HMM oracle, the reference row first", () => {
  const rows = compareSamplers(model, { samplers: ["ancestral", "remdm-loop"], steps: [4, 8], n: 4, seed: 1 });
  assert.deepEqual(rows.map((r) => [r.sampler.split(":")[0], r.T]), [["true-hmm", null], ["ancestral", 4], ["ancestral", 8], ["remdm-loop", 4], ["remdm-loop", 8]]);
  assert.ok(rows.every((r) => Number.isFinite(r.oracle_nll) && r.oracle_nll > 0));
  assert.ok(rows.every((r) => Number.isFinite(r.entropy_ub_model)), "the model's entropy bound is computed by default");
});

test("compareSamplers with entropyDraws 0 skips the model's entropy bound; the KL estimate then rests on the Markov bound", () => {
  const [withBound, without] = [4, 0].map((entropyDraws) => compareSamplers(model, { samplers: ["ancestral"], steps: [4], n: 6, seed: 2, entropyDraws })[1]!);
  assert.ok(Number.isNaN(without.entropy_ub_model), `entropy_ub_model = ${without.entropy_ub_model}`);
  assert.equal(without.oracle_nll, withBound.oracle_nll, "the same samples either way");
  assert.equal(without.entropy_ub_markov, withBound.entropy_ub_markov);
  assert.ok(Math.abs(without.kl_lower_estimate - (without.oracle_nll - without.entropy_ub_markov)) < 1e-12, "KL estimate = oracle NLL − the Markov bound");
});

test("bad input is one UserError (code INVALID_INPUT) naming what is wrong", async () => {
  await userError(() => loadModel(join(root, "missing.safetensors")), /does not exist/);
  await userError(() => model.sample({ n: 0 }), /n must be an integer from 1/);
  await userError(() => model.sample({ steps: 1.5 }), /steps must be an integer from 1 to 1048576, got 1.5/);
  await userError(() => model.sample({ sampler: "nope" }), /unknown sampler 'nope'/);
  await userError(() => model.sample({ seed: -1 }), /seed/);
  await userError(() => model.sample({ topP: 0 }), /topP must be a number in \(0, 1\], got 0/);
  await userError(() => model.sample({ grid: "log" as "uniform" }), /grid must be one of "uniform", "cosine", got "log"/);
  await userError(() => model.sample({ template: "ab#" }), /template: character "#" at position 2 is not a symbol/);
  await userError(() => model.evaluate({ split: "train" as "valid" }), /split must be "valid" or "test"/);
  await userError(() => train({ ...config, model: { ...config.model, d: 33 } }, { out: join(root, "bad") }), /not a valid training config:\n {2}model: d must be divisible by heads/);
  await userError(() => train(config, {} as { out: string }), /options\.out must name the run directory/);
  await userError(() => train(config, { out: join(root, "run") }), /already holds checkpoints/);
  await userError(() => compareSamplers(model, { samplers: ["ancestral"], steps: [4], n: 1 }), /n must be an integer from 2/);
  await userError(() => datasetFromName("hmm", { hidden: 100 }), /^dataset "hmm": hmmDataset: hidden must be an integer in 1\.\.64, got 100$/);
  assert.equal(existsSync(join(root, "bad")), false, "a refused config creates no run directory");
});

test("the library prints nothing: train, sample, evaluate and compareSamplers in a child process leave stdout and stderr empty", () => {
  const index = fileURLToPath(new URL("../src/index.js", import.meta.url));
  const out = join(root, "quiet");
  const script = `
    import { writeFileSync } from "node:fs";
    const { train, compareSamplers } = await import(${JSON.stringify(index)});
    const run = await train(${JSON.stringify(config)}, { out: ${JSON.stringify(out)} });
    const s = run.model.sample({ n: 2 });
    run.model.evaluate({ steps: 4, sequences: 4 });
    compareSamplers(run.model, { samplers: ["ancestral"], steps: [4], n: 2 });
    writeFileSync(${JSON.stringify(join(root, "quiet.json"))}, JSON.stringify(s.texts));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "");
  assert.equal(JSON.parse(readFileSync(join(root, "quiet.json"), "utf8")).length, 2);
});
