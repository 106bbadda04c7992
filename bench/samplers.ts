/**
 * `npm run bench -- samplers`: sampling throughput of every policy through the one loop, on the
 * quickstart-sized DiT (random weights, time-agnostic), at equal T: tokens/s, NFE, non-cached NFE.
 */
import { parseArgs } from "node:util";
import { manualSeed } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { parseSamplerSpec, sample } from "../src/diffusion/samplers/index.js";
import { DiT } from "../src/models/dit.js";
import { netDenoiser } from "../src/models/net-denoiser.js";
import { benchConfigs } from "./configs.js";

const defaultPolicies = "ancestral,confidence-prob,remdm-cap,remdm-rescale,remdm-conf,remdm-loop,remdm-loop-conf,fb,dfm,block-ancestral:block=16";

/** Runs the sampler benchmark with CLI-style arguments. */
export function benchSamplers(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean", default: false },
      samplers: { type: "string", default: defaultPolicies },
      batch: { type: "string", default: "8" },
      steps: { type: "string", default: "" },
    },
  });
  manualSeed(0);
  const cfg = benchConfigs.quickstart!;
  const model = new DiT(cfg).eval();
  const denoiser = netDenoiser(model);
  const B = Number(values.batch), L = cfg.seq, T = Number(values.steps || L);
  const rows = values.samplers!.split(",").map((spec) => {
    const t0 = performance.now();
    const r = sample(denoiser, parseSamplerSpec(spec), { batch: B, length: L, steps: T, schedule: scheduleFromName("linear"), rng: new Rng(1) });
    const seconds = (performance.now() - t0) / 1000;
    return { sampler: spec, T, batch: B, length: L, seconds: +seconds.toFixed(3), tokens_per_s: +((B * L) / seconds).toFixed(1), nfe: r.stats.nfe, nfe_noncached: r.stats.nfeNonCached };
  });
  if (values.json) return rows.forEach((r) => console.log(JSON.stringify(r)));
  console.log(`quickstart-sized DiT (random weights, time-agnostic), B=${B}, L=${L}, T=${T}`);
  console.log("| sampler | tokens/s | seconds | NFE | non-cached NFE |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.sampler} | ${r.tokens_per_s} | ${r.seconds} | ${r.nfe} | ${r.nfe_noncached} |`);
}
