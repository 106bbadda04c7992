/**
 * Our side of one engine benchmark run, mirroring bench/torch_peer.py's --mode timing loop: the same
 * model, objective and optimizer; prints one JSON line. Run as a child of bench/engine.ts.
 */
import { parseArgs } from "node:util";
import { full, keep, manualSeed, noGrad, randint, tensor, tidy } from "../src/engine/index.js";
import { maskedNelbo } from "../src/methods/md4/masked-nelbo.js";
import { antitheticTimes, applyMask, drawMask } from "../src/diffusion/process.js";
import { DiT } from "../src/models/dit.js";
import { AdamW } from "../src/optim/index.js";
import { benchConfigs, ditConfig } from "./configs.js";

const { values } = parseArgs({
  options: {
    config: { type: "string", default: "small" },
    mode: { type: "string", default: "train" },
    steps: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    "rss-at": { type: "string", default: "" },
  },
});
const cfg = benchConfigs[values.config!];
if (!cfg) throw new Error(`unknown config '${values.config}'`);
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const rssAt = new Set(values["rss-at"]!.split(",").filter(Boolean).map(Number));

manualSeed(0);
const model = new DiT(ditConfig(cfg));
const maskId = cfg.vocab - 1;
const x = randint(0, cfg.vocab - 1, [cfg.batch, cfg.seq]);
x.kept = true;
const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0 });
// the reference's forward input: even positions revealed, odd positions masked
const oddPositions = keep(tensor(Array.from({ length: cfg.seq }, (_, i) => i % 2 === 1), [cfg.seq], { dtype: "bool" }));
const times: number[] = [];
const rss: Record<number, number> = {};
let val = 0;
for (let i = 0; i < warmup + steps; i++) {
  const t0 = performance.now();
  if (values.mode === "train") {
    opt.zeroGrad();
    val = tidy(() => {
      const t = antitheticTimes(cfg.batch);
      const masked = drawMask([cfg.batch, cfg.seq], t);
      const loss = maskedNelbo(model.forward(applyMask(x, masked, maskId), t), x, masked, t.pow(-1));
      loss.backward();
      return loss.item();
    });
    opt.update();
  } else {
    val = noGrad(() =>
      tidy(() => {
        const z = applyMask(x, oddPositions.unsqueeze(0).expand(cfg.batch, cfg.seq), maskId);
        return model.forward(z, full([cfg.batch], 0.5)).sum().item();
      }),
    );
  }
  const dt = performance.now() - t0;
  if (i >= warmup) times.push(dt);
  if (rssAt.has(i + 1)) rss[i + 1] = process.memoryUsage().rss / 2 ** 20;
}
times.sort((a, b) => a - b);
const med = times.length % 2 ? times[(times.length - 1) / 2]! : (times[times.length / 2 - 1]! + times[times.length / 2]!) / 2;
console.log(
  JSON.stringify({
    impl: "maskdiff", config: values.config, mode: values.mode, params: model.parameterCount(),
    median_ms: +med.toFixed(2), min_ms: +times[0]!.toFixed(2), tokens_per_s: +((cfg.batch * cfg.seq) / (med / 1000)).toFixed(1),
    last_value: val, max_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1), rss_mb_at: rss,
  }),
);
