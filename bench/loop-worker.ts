/**
 * Times the full training loop (data reader, time sampling, loss, clipping, AdamW, EMA, logging)
 * on configs/quickstart.json's model without validation or checkpoints; prints one JSON line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { datasetFromName } from "../src/data/index.js";
import { loadTrainConfig, parseTrainConfig } from "../src/train/config.js";
import { train } from "../src/train/trainer.js";

const { values } = parseArgs({ options: { steps: { type: "string", default: "10" }, warmup: { type: "string", default: "2" }, config: { type: "string" } } });
const steps = Number(values.steps) + Number(values.warmup);
const base = loadTrainConfig(values.config!);
const config = parseTrainConfig({ ...base, train: { ...base.train, steps, evalEvery: 1e9, checkpointEvery: 1e9, logEvery: 1 } });
const data = datasetFromName(config.data.name);
const dir = mkdtempSync(join(tmpdir(), "maskdiff-loop-bench-"));
const times: number[] = [];
let last = performance.now();
try {
  await train(config, data, {
    outDir: dir,
    onStep: (r) => {
      const now = performance.now();
      if (r.step > Number(values.warmup)) times.push(now - last);
      last = now;
    },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
const med = times.length % 2 ? times[(times.length - 1) / 2]! : (times[times.length / 2 - 1]! + times[times.length / 2]!) / 2;
const tokens = config.train.batch * config.data.seqLen;
console.log(JSON.stringify({ impl: "maskdiff-loop", median_ms: +med.toFixed(2), tokens_per_s: +(tokens / (med / 1000)).toFixed(1), max_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1) }));
