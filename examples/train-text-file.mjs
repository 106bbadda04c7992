#!/usr/bin/env node
// Train a small MD4 model on your own text file (normalised to 27 symbols: a-z and space), then sample from it.
// Ctrl-C stops training after the current step with a checkpoint; `--resume` continues that run exactly.
//   node examples/train-text-file.mjs notes.txt runs/notes --steps 500
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { train } from "maskdiff";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { steps: { type: "string", default: "500" }, "seq-len": { type: "string", default: "64" }, resume: { type: "boolean" }, seed: { type: "string", default: "0" } },
});
if (positionals.length !== 2) {
  console.error("usage: node examples/train-text-file.mjs TEXT_FILE RUN_DIR [--steps N] [--seq-len L] [--resume] [--seed S]");
  process.exit(2);
}
const [file, out] = positionals;
const steps = Number(values.steps);
const config = {
  seed: Number(values.seed),
  data: { name: `text:${resolve(file)}`, seqLen: Number(values["seq-len"]) },
  model: { d: 64, layers: 2, heads: 4, cond: 32 },
  train: { steps, batch: 16, lr: 1e-3, warmup: Math.min(100, steps), evalEvery: Math.max(1, Math.floor(steps / 4)), evalSequences: 32, checkpointEvery: Math.max(1, Math.floor(steps / 4)) },
};
const stop = new AbortController();
process.once("SIGINT", () => stop.abort());
const run = await train(config, {
  out, resume: values.resume, signal: stop.signal,
  onProgress: (s) => s.step % 50 === 0 && console.error(`step ${s.step}/${s.totalSteps}: loss ${s.loss.toFixed(3)}`),
  onEval: (step, r) => console.error(`step ${step}: validation ${r.name} ${r.bpc.toFixed(3)} bpc (${r.certified ? "certified upper bound" : "estimate"})`),
  onWarning: (m) => console.error(`warning: ${m}`),
});
console.error(`${run.aborted ? "stopped" : "finished"} at step ${run.step}; checkpoint ${run.checkpoint}`);
run.model.sample({ n: 3, seed: 0 }).texts.forEach((text) => console.log(text));
