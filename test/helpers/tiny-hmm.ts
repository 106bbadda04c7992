/** A tiny HMM-oracle checkpoint (L = 12, 20 steps) trained through the CLI in a fresh temporary folder. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { okJson, runCli } from "./cli.js";

/** Trains it; returns the folder (the caller removes it) and the checkpoint's path. */
export function trainTinyHmm(prefix: string): { root: string; ckpt: string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const cfg = {
    seed: 0, data: { name: "hmm", seqLen: 12, hmmSeed: 1, hmmHidden: 3, hmmStickiness: 0.9, hmmSize: 5000 }, model: { d: 32, layers: 1, heads: 2, cond: 16 },
    train: { steps: 20, batch: 8, lr: 2e-3, warmup: 5, evalEvery: 20, evalSequences: 8, checkpointEvery: 20, keepCheckpoints: 1 },
  };
  writeFileSync(join(root, "hmm.json"), JSON.stringify(cfg));
  const ckpt = okJson(runCli(["train", "--config", join(root, "hmm.json"), "--out", join(root, "run"), "--samples", "0", "--json"], 120_000)).checkpoint as string;
  return { root, ckpt };
}
