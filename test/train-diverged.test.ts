// A run whose loss becomes non-finite stops with one message naming the step and the loss, exits 2,
// and leaves the last good checkpoint as it was (nothing is saved from the diverged state).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, snapshot } from "./helpers/cli.js";

test("a diverged run (resumed with AdamW at lr 1 and β2 = 0, which blows up) exits 2 naming the step and keeps the step-2 checkpoint", () => {
  const root = mkdtempSync(join(tmpdir(), "maskdiff-diverge-"));
  try {
    const write = (name: string, train: object): string => {
      const p = join(root, name);
      writeFileSync(p, JSON.stringify({
        seed: 0,
        data: { name: "markov", seqLen: 12, markovSeed: 3, markovSymbols: 5, markovSize: 4000 },
        model: { d: 24, layers: 1, heads: 2, cond: 16 },
        diffusion: { schedule: "linear", tMin: 0 },
        train: { steps: 300, batch: 8, evalEvery: 300, evalSequences: 8, keepCheckpoints: 5, ...train },
      }));
      return p;
    };
    const good = write("good.json", { lr: 1e-3, checkpointEvery: 2 });
    // the train section may change on --resume: the same run continues with a learning rate that blows up
    const cfg = write("div.json", { lr: 1, warmup: 0, gradClip: null, beta2: 0, checkpointEvery: 100 });
    const out = join(root, "run");
    const first = runCli(["train", "--config", good, "--out", out, "--stop-after", "2"]);
    assert.equal(first.status, 0, first.stderr);
    const before = snapshot(out);
    const r = runCli(["train", "--config", cfg, "--out", out, "--resume"]);
    assert.equal(r.status, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    const msg = /maskdiff: training diverged at step \d+: the loss is (NaN|-?Infinity)[^\n]*/.exec(r.stderr)?.[0] ?? assert.fail(`no divergence message in ${r.stderr}`);
    const step = Number(/at step (\d+)/.exec(msg)![1]);
    assert.ok(step > 2 && step < 300, `diverged at step ${step}`);
    const after = snapshot(out);
    for (const f of readdirSync(out).filter((n) => n.startsWith("ckpt-"))) assert.equal(after[f], before[f], `${f} changed`);
    const ckpts = readdirSync(out).filter((n) => n.startsWith("ckpt-"));
    assert.ok(ckpts.every((n) => Number(n.slice(5, 13)) < step), `a checkpoint at or after the diverged step: ${ckpts.join(", ")}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
