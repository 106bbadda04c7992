// Data-parallel training on loopback: 2 processes × batch B follow 1 process × batch 2B for every method of the
// registry (same seeds, parameters within 1e-5), and both ranks hold the same parameters; a run resumes with another
// number of processes; a killed rank stops the other within the time-out; the launcher reports a bad share.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadSafetensors } from "../src/engine/index.js";
import { methods } from "../src/methods/registry.js";
import { train } from "../src/train/trainer.js";
import { ddpConfig, ddpData, METHOD_SECTIONS } from "./helpers/ddp-runs.js";
import { okJson, runCli } from "./helpers/cli.js";
import { spawnRanks } from "./helpers/spawn-ranks.js";

/** The largest |a − b| over matching named parameters. */
function maxDiff(a: [string, number[]][], b: [string, number[]][]): number {
  assert.deepEqual(a.map(([n]) => n), b.map(([n]) => n));
  let worst = 0;
  a.forEach(([, va], i) => va.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]![1][j]!)))));
  return worst;
}

test("every registry method has a data-parallel test config", () => {
  assert.deepEqual(Object.keys(METHOD_SECTIONS).sort(), methods.map((m) => m.name).sort());
});

test("2 processes × batch 4 end where 1 process × batch 8 ends, for every method (parameters within 1e-5)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-ddp-"));
  try {
    const ranks = await spawnRanks(2, "dist/test/helpers/ddp-train-worker.js", [join(dir, "ddp")]);
    const data = ddpData();
    const single: Record<string, { params: [string, number[]][]; valid: unknown; first: number[] }> = {};
    for (const method of Object.keys(METHOD_SECTIONS)) {
      const r = await train(ddpConfig(method), data, { outDir: join(dir, "single", method) });
      single[method] = { params: r.model.network.namedParameters().map(([n, p]) => [n, Array.from(p.toFloat64Array())]), valid: r.lastValid, first: [] };
    }
    const done = await Promise.all(ranks.map((r) => r.done));
    done.forEach((d, rank) => assert.equal(d.code, 0, `rank ${rank} failed:\n${d.stderr}`));
    const losses = (f: string) => readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.loss !== undefined).map((r) => r.loss as number);
    for (const method of Object.keys(METHOD_SECTIONS)) {
      const [r0, r1] = [0, 1].map((r) => JSON.parse(readFileSync(join(dir, "ddp", `${method}-rank${r}.json`), "utf8")));
      assert.deepEqual(r1.params, r0.params, `${method}: the ranks' parameters differ`);
      const d = maxDiff(r0.params, single[method]!.params);
      assert.ok(d <= 1e-5, `${method}: 2 × 4 vs 1 × 8 parameters differ by ${d}`);
      // the run moved: a wrong gradient average or a lost share would show as a difference far above 1e-5
      const moved = maxDiff(r0.params, single[method]!.params.map(([n, v]) => [n, v.map(() => 0)]));
      assert.ok(moved > 1e-2, `${method}: parameters look untrained`);
      assert.equal(r1.checkpoint, "", `${method}: rank 1 wrote a checkpoint`);
      const [l2, l1] = [losses(join(dir, "ddp", method, "log.jsonl")), losses(join(dir, "single", method, "log.jsonl"))];
      assert.equal(l2.length, l1.length);
      l2.forEach((l, i) => assert.ok(Math.abs(l - l1[i]!) < 1e-5, `${method} step ${i + 1}: logged loss ${l} vs ${l1[i]}`));
      assert.deepEqual(r0.valid.n_sequences, (single[method]!.valid as { n_sequences: number }).n_sequences);
      assert.ok(Math.abs(r0.valid.nats_per_token - (single[method]!.valid as { nats_per_token: number }).nats_per_token) < 1e-5, `${method}: sharded validation differs`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Parameters of a checkpoint's model, by name. */
async function checkpointParams(path: string): Promise<[string, number[]][]> {
  const { tensors } = await loadSafetensors(path);
  return Object.entries(tensors).filter(([n]) => n.startsWith("model.")).sort(([a], [b]) => a.localeCompare(b)).map(([n, t]) => [n, Array.from(t.toFloat64Array())]);
}

test("a run resumes across world sizes: 2 processes to step 2, 1 process to step 4, 2 processes to step 6 = 1 process throughout", async () => {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-ddp-resume-"));
  try {
    const config = ddpConfig("md4", { steps: 6 });
    const cfgPath = join(dir, "cfg.json");
    writeFileSync(cfgPath, JSON.stringify(config));
    const run = join(dir, "run");
    const cli = (extra: string[]) => runCli(["train", "--config", cfgPath, "--out", run, "--samples", "0", "--json", "--dist-timeout", "30", ...extra], 60_000, { OPENBLAS_NUM_THREADS: "1" });
    const first = okJson(cli(["--nproc", "2", "--stop-after", "2"]));
    assert.equal(first.steps, 2);
    const middle = await train(config, ddpData(), { outDir: run, resume: true, stopAfter: 4 });
    assert.equal(middle.step, 4);
    const last = okJson(cli(["--nproc", "2", "--resume"]));
    assert.equal(last.steps, 6);
    const straight = await train(config, ddpData(), { outDir: join(dir, "straight") });
    const d = maxDiff(await checkpointParams(last.checkpoint), await checkpointParams(straight.checkpoint));
    assert.ok(d <= 1e-5, `resumed across world sizes vs straight: parameters differ by ${d}`);
    const steps = (f: string) => readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.loss !== undefined);
    const [a, b] = [steps(join(run, "log.jsonl")), steps(join(dir, "straight", "log.jsonl"))];
    assert.deepEqual(a.map((r) => r.step), [1, 2, 3, 4, 5, 6]);
    a.forEach((r, i) => assert.ok(Math.abs(r.loss - b[i].loss) < 1e-5, `step ${r.step}: loss ${r.loss} vs ${b[i].loss}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a killed rank makes the other exit non-zero with one message, within the time-out", async () => {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-ddp-kill-"));
  try {
    const cfgPath = join(dir, "cfg.json");
    writeFileSync(cfgPath, JSON.stringify(ddpConfig("md4", { steps: 100_000 })));
    const out = join(dir, "run");
    const ranks = await spawnRanks(2, "bin/maskdiff.js", ["train", "--config", cfgPath, "--out", out, "--samples", "0", "--dist-timeout", "20"]);
    // wait until rank 0 has logged a few steps, then kill rank 1
    const t0 = Date.now();
    while (!(existsSync(join(out, "log.jsonl")) && readFileSync(join(out, "log.jsonl"), "utf8").split("\n").length > 3)) {
      assert.ok(Date.now() - t0 < 30_000, "training did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
    const killedAt = Date.now();
    ranks[1]!.child.kill("SIGKILL");
    const survivor = await ranks[0]!.done;
    const after = Date.now() - killedAt;
    assert.equal(survivor.code, 2, survivor.stderr);
    assert.ok(after < 20_000, `rank 0 took ${after} ms to stop (time-out 20 s)`);
    const heads = survivor.stderr.trim().split("\n").filter((l) => l.startsWith("maskdiff: "));
    assert.equal(heads.length, 1, survivor.stderr);
    assert.match(heads[0]!, /^maskdiff: (all-reduce|broadcast|barrier|all-gather) failed on rank 0 of 2 \(gloo, time-out 20000 ms\): .* -- a peer process exited/);
    assert.ok(!/^\s+at /m.test(survivor.stderr), "stack trace");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--nproc: a global batch the processes cannot share is one message from the launcher's workers, exit 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-ddp-bad-"));
  try {
    const cfgPath = join(dir, "cfg.json");
    const config = ddpConfig("md4");
    writeFileSync(cfgPath, JSON.stringify({ ...config, train: { ...config.train, batch: 9 } }));
    const r = runCli(["train", "--config", cfgPath, "--out", join(dir, "run"), "--nproc", "2"], 60_000, { OPENBLAS_NUM_THREADS: "1" });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^maskdiff: train\.batch 9 \(the global batch\) must be divisible by the number of processes 2$/m);
    assert.match(r.stderr, /^maskdiff: worker rank \d exited with code 2; stopping the other workers$/m);
    assert.ok(!/^\s+at /m.test(r.stderr), r.stderr);
    assert.ok(!existsSync(join(dir, "run")), "the refused run created its directory");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
