/**
 * One rank of the ddp bench (bench/ddp.ts), started with torchrun's variables (none: one process): the engine bench's
 * small train step (DiT, MD4's masked NELBO, AdamW) on this rank's share of the global batch, with the gradients
 * averaged by the trainer's DataParallel; then the gradient all-reduce alone, and the time of one all-reduce of a
 * --bw-mb MiB buffer (bandwidth). Rank 0 writes one JSON object to --out, mirroring bench/torch_peer.py --mode ddp.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { manualSeed, randint, tidy, zeros } from "../src/engine/index.js";
import { maskedNelbo } from "../src/methods/md4/masked-nelbo.js";
import { antitheticTimes, applyMask, drawMask } from "../src/diffusion/process.js";
import { DiT } from "../src/models/dit.js";
import { AdamW } from "../src/optim/index.js";
import { DataParallel } from "../src/train/data-parallel.js";
import { joinGroup, readDistEnv } from "../src/train/dist-env.js";
import { benchConfigs, ditConfig } from "./configs.js";

const { values } = parseArgs({
  options: {
    config: { type: "string", default: "small" },
    steps: { type: "string", default: "6" },
    warmup: { type: "string", default: "2" },
    "bw-mb": { type: "string", default: "16" },
    reps: { type: "string", default: "10" },
    out: { type: "string" },
  },
});
const cfg = benchConfigs[values.config!]!;
const steps = Number(values.steps), warmup = Number(values.warmup), reps = Number(values.reps);
const env = readDistEnv();
const group = env && joinGroup(env, 300_000);
const dp = new DataParallel(group);
const share = dp.share(cfg.batch);

manualSeed(0);
const model = new DiT(ditConfig(cfg));
const params = model.namedParameters();
const maskId = cfg.vocab - 1;
const x = tidy(() => randint(0, maskId, [cfg.batch, cfg.seq]).slice(0, share.first, share.first + share.count).contiguous());
x.kept = true;
const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0 });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = () => performance.now();

dp.broadcastTensors(model.parameters());
const stepMs: number[] = [], reduceMs: number[] = [];
for (let i = 0; i < warmup + steps; i++) {
  dp.barrier(); // every step starts together, as a DDP step does after the previous step's all-reduce
  const t0 = now();
  opt.zeroGrad();
  tidy(() => {
    const t = antitheticTimes(share.count);
    const masked = drawMask([share.count, cfg.seq], t);
    maskedNelbo(model.forward(applyMask(x, masked, maskId), t), x, masked, t.pow(-1)).backward();
  });
  const t1 = now();
  dp.averageGradients(params);
  const t2 = now();
  opt.update();
  if (i >= warmup) {
    stepMs.push(now() - t0);
    reduceMs.push(t2 - t1);
  }
}
// the gradient all-reduce alone (same buckets, ranks in step), and one buffer for bandwidth
const alone: number[] = [];
for (let r = 0; r < reps; r++) {
  dp.barrier();
  const t0 = now();
  dp.averageGradients(params);
  alone.push(now() - t0);
}
const n = Math.round((Number(values["bw-mb"]) * 2 ** 20) / 4);
const buf = zeros([n]);
const bw: number[] = [];
for (let r = 0; r < reps; r++) {
  dp.barrier();
  const t0 = now();
  group?.allReduce([buf], "sum");
  bw.push(now() - t0);
}
const gradBytes = params.reduce((s, [, p]) => s + p.size * 4, 0);
if (dp.rank === 0 && values.out)
  writeFileSync(values.out, JSON.stringify({
    impl: "maskdiff", world: dp.worldSize, config: values.config, batch_per_rank: share.count, grad_mb: +(gradBytes / 2 ** 20).toFixed(2),
    step_ms: +median(stepMs).toFixed(1), allreduce_in_step_ms: +median(reduceMs).toFixed(2), allreduce_ms: +median(alone).toFixed(2),
    bw_mb: Number(values["bw-mb"]), bw_ms: +median(bw).toFixed(2),
  }));
