// A run stopped at a checkpoint and resumed must end exactly where the uninterrupted run ends.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { markovDataset } from "../src/data/index.js";
import { parseTrainConfig } from "../src/train/config.js";
import { listCheckpoints } from "../src/train/checkpoint.js";
import { train } from "../src/train/trainer.js";
import { UserError } from "../src/cli/user-error.js";

const config = parseTrainConfig({
  seed: 7,
  data: { name: "markov", seqLen: 16, markovSeed: 3, markovSymbols: 5, markovSize: 20000 },
  model: { d: 32, layers: 1, heads: 2, cond: 16, dropout: 0.1, timeConditioning: true },
  train: { steps: 8, batch: 8, lr: 1e-3, warmup: 2, evalEvery: 4, evalSequences: 8, checkpointEvery: 3, keepCheckpoints: 5, logEvery: 1 },
});
const data = markovDataset({ seed: 3, K: 5, size: 20000 });

function params(r: Awaited<ReturnType<typeof train>>): Float64Array[] {
  return r.model.network.parameters().map((p) => p.toFloat64Array());
}

test("resuming from a checkpoint reproduces the uninterrupted run exactly", async () => {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-resume-"));
  try {
    const full = await train(config, data, { outDir: join(dir, "full") });
    const part = await train(config, data, { outDir: join(dir, "part"), stopAfter: 5 });
    assert.equal(part.step, 5);
    assert.ok(listCheckpoints(join(dir, "part")).at(-1)!.endsWith("ckpt-00000005.safetensors"));
    const resumed = await train(config, data, { outDir: join(dir, "part"), resume: true });
    assert.equal(resumed.step, 8);
    const a = params(full), b = params(resumed);
    assert.equal(a.length, b.length);
    a.forEach((pa, i) => assert.deepEqual(b[i], pa, `parameter ${i} differs after resume`));
    const losses = (f: string) => readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.loss !== undefined).map((r) => [r.step, r.loss]);
    assert.deepEqual(losses(join(dir, "part", "log.jsonl")), losses(join(dir, "full", "log.jsonl")));
    assert.deepEqual(resumed.lastValid, full.lastValid);
    // keep-last-k pruning: steps 3, 6 and the final 8 for the full run
    assert.deepEqual(listCheckpoints(join(dir, "full")).map((p) => p.slice(-22)), ["ckpt-00000003.safetensors", "ckpt-00000006.safetensors", "ckpt-00000008.safetensors"].map((n) => n.slice(-22)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("training into a directory with checkpoints without --resume is refused and changes nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-refuse-"));
  try {
    const short = parseTrainConfig({ ...config, train: { ...config.train, steps: 3 } });
    await train(short, data, { outDir: dir });
    const ckpt = listCheckpoints(dir).at(-1)!;
    const before = readFileSync(ckpt);
    writeFileSync(join(dir, "marker"), "x");
    await assert.rejects(train(short, data, { outDir: dir }), (e: unknown) => e instanceof UserError && /already holds checkpoints/.test((e as Error).message));
    assert.deepEqual(readFileSync(ckpt), before);
    const other = parseTrainConfig({ ...short, model: { ...short.model, d: 64 } });
    await assert.rejects(train(other, data, { outDir: dir, resume: true }), (e: unknown) => e instanceof UserError && /does not match/.test((e as Error).message));
    assert.deepEqual(readFileSync(ckpt), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
