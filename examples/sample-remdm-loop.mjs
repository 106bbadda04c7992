#!/usr/bin/env node
// Sample from a trained checkpoint (any method) with ReMDM-loop, the remasking sampler that runs in three phases.
//   node examples/sample-remdm-loop.mjs runs/qs/ckpt-00001500.safetensors --n 4 --steps 128 --eta 0.02 --seed 1
import { parseArgs } from "node:util";
import { loadModel } from "maskdiff";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    n: { type: "string", default: "4" },
    steps: { type: "string" },
    eta: { type: "string", default: "0.02" },
    "t-on": { type: "string", default: "0.55" },
    "t-off": { type: "string", default: "0.05" },
    seed: { type: "string", default: "0" },
  },
});
if (positionals.length !== 1) {
  console.error("usage: node examples/sample-remdm-loop.mjs CHECKPOINT [--n N] [--steps T] [--eta η] [--t-on t] [--t-off t] [--seed S]");
  process.exit(2);
}
const model = await loadModel(positionals[0]);
const sampler = `remdm-loop:eta=${values.eta},t_on=${values["t-on"]},t_off=${values["t-off"]}`;
const out = model.sample({ n: Number(values.n), steps: values.steps === undefined ? undefined : Number(values.steps), sampler, seed: Number(values.seed) });
out.texts.forEach((text) => console.log(text));
console.error(`${out.sampler}, T = ${out.steps}: ${out.stats.nfe} network calls (method ${model.config.method.name}, checkpoint step ${model.meta.step})`);
