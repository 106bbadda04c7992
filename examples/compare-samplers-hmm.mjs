#!/usr/bin/env node
// Compare samplers on the HMM oracle: train a small model on sequences of a hidden Markov model (or load one
// trained on it), then score each sampler × step count by the exact NLL of its samples under the true HMM.
//   node examples/compare-samplers-hmm.mjs --out runs/hmm-small --train-steps 300
//   node examples/compare-samplers-hmm.mjs --checkpoint runs/hmm/ckpt-00002500.safetensors --steps 16,64
import { parseArgs } from "node:util";
import { compareSamplers, loadModel, train } from "maskdiff";

const { values } = parseArgs({
  options: {
    checkpoint: { type: "string" },
    out: { type: "string", default: "runs/hmm-small" },
    "train-steps": { type: "string", default: "300" },
    samplers: { type: "string", default: "ancestral,remdm-loop,confidence-prob" },
    steps: { type: "string", default: "8,32" },
    n: { type: "string", default: "32" },
    seed: { type: "string", default: "0" },
  },
});
const model = values.checkpoint
  ? await loadModel(values.checkpoint)
  : (await train(
      {
        data: { name: "hmm", seqLen: 32, hmmHidden: 4, hmmSize: 50000 },
        model: { d: 48, layers: 2, heads: 4, cond: 32 },
        train: { steps: Number(values["train-steps"]), batch: 16, lr: 2e-3, warmup: 20, evalEvery: 1000, evalSequences: 16 },
      },
      { out: values.out },
    )).model;
const rows = compareSamplers(model, { samplers: values.samplers.split(","), steps: values.steps.split(",").map(Number), n: Number(values.n), seed: Number(values.seed) });
console.log("sampler                     T   oracle NLL (nats/token)   trigram KL   NFE/sequence");
for (const r of rows) {
  const nll = `${r.oracle_nll.toFixed(4)} ± ${r.oracle_nll_stderr.toFixed(4)}`;
  console.log(`${r.sampler.padEnd(24)} ${String(r.T ?? "-").padStart(4)}   ${nll.padStart(23)}   ${r.trigram_kl.toFixed(4).padStart(10)}   ${String(r.T === null ? "-" : r.nfe_per_sequence).padStart(12)}`);
}
console.log(`(true-hmm: samples of the HMM itself; the HMM's entropy rate is ${rows[0].true_entropy.toFixed(4)} nats/token)`);
