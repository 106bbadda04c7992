/**
 * `npm run bench -- bd3` (also run at the end of `npm run bench -- samplers`): block-diffusion generation tokens/s with
 * and without the KV cache at L′ ∈ {4, 16} and L ∈ {256, 1024} (quickstart-sized DiT, random weights with open adaLN
 * gates, time-agnostic, first-hitting: one network call per token, one sequence; median of --rounds interleaved rounds,
 * default 1), and the training step of bd3 (the [x_t ; x_0] pass, 2L tokens) against MD4's on the quickstart config.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { manualSeed, noGrad, randn } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { firstHittingPolicy } from "../src/diffusion/samplers/index.js";
import { generateBlocks } from "../src/methods/bd3/generate.js";
import { methodNamed } from "../src/methods/registry.js";
import type { DiT } from "../src/models/dit.js";
import { parseTrainConfig } from "../src/train/config.js";
import { median, stepper } from "./train-step.js";
import { resultManifest } from "../src/eval/manifest.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Seconds to generate one sequence of L tokens in blocks of Lb, with or without the cache. */
function generationSeconds(base: Record<string, unknown>, L: number, Lb: number, kvCache: boolean): number {
  const config = parseTrainConfig({ ...base, data: { name: "fortunes", seqLen: L }, method: { name: "bd3", block: Lb } });
  const model = methodNamed("bd3").build(config, 27);
  manualSeed(0);
  noGrad(() => model.network.loadStateDict(Object.fromEntries(model.network.namedParameters().map(([n, p]) => [n, n.includes("ada") ? randn(p.shape).mul(0.1) : p]))));
  const d = model.denoiser();
  const blockModel = { network: model.network as DiT, layout: d.layout, parameterization: d.parameterization, blockSize: Lb, window: L };
  const t0 = performance.now();
  generateBlocks(blockModel, firstHittingPolicy(), { batch: 1, length: L, steps: Lb, schedule: scheduleFromName("linear"), rng: new Rng(1), kvCache });
  return (performance.now() - t0) / 1000;
}

/** Runs the bd3 benchmark with CLI-style arguments. */
export function benchBd3(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { steps: { type: "string", default: "10" }, rounds: { type: "string", default: "1" }, json: { type: "boolean", default: false } },
  });
  const rounds = Number(values.rounds);
  const base = JSON.parse(readFileSync(join(repo, "configs", "quickstart.json"), "utf8")) as Record<string, unknown>;
  const rows: Record<string, number>[] = [];
  for (const L of [256, 1024]) {
    for (const Lb of [4, 16]) {
      // interleaved rounds, medians: the two columns see the same machine load
      const runs = Array.from({ length: rounds }, () => [generationSeconds(base, L, Lb, true), generationSeconds(base, L, Lb, false)] as const);
      const cached = median(runs.map((r) => r[0]));
      const recomputed = median(runs.map((r) => r[1]));
      rows.push({ length: L, block: Lb, cached_tokens_per_s: +(L / cached).toFixed(1), recomputed_tokens_per_s: +(L / recomputed).toFixed(1), speedup: +(recomputed / cached).toFixed(2) });
      process.stderr.write(`  L = ${L}, L′ = ${Lb}: ${(L / cached).toFixed(0)} tok/s cached, ${(L / recomputed).toFixed(0)} tok/s recomputed\n`);
    }
  }
  const variants = [{ name: "md4" }, { name: "bd3", block: 4 }, { name: "bd3", block: 16 }];
  const steppers = variants.map((method) => stepper(parseTrainConfig({ ...base, method })));
  const times: number[][] = variants.map(() => []);
  steppers.forEach((step, i) => {
    for (let w = 0; w < 3; w++) step();
    for (let k = 0; k < Number(values.steps); k++) times[i]!.push(step());
  });
  const train = variants.map((v, i) => ({ variant: "block" in v ? `bd3 L′=${v.block}` : v.name, median_ms: +median(times[i]!).toFixed(2), ratio_to_md4: +(median(times[i]!) / median(times[0]!)).toFixed(3) }));
  if (values.json) {
    rows.forEach((r) => console.log(JSON.stringify({ bench: "bd3-generation", ...r, manifest: resultManifest({ method: "bd3", sampler: "first-hitting", n: 1, seed: 1 }) })));
    train.forEach((r) => console.log(JSON.stringify({ bench: "bd3-train-step", ...r, manifest: resultManifest({ method: r.variant.startsWith("bd3") ? "bd3" : r.variant }) })));
    return;
  }
  console.log(`block generation, quickstart-sized DiT (random weights), first-hitting (one call per token), one sequence, median of ${rounds} round(s)`);
  console.log("| L | L′ | tokens/s with KV cache | tokens/s recomputing the prefix | speed-up |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.length} | ${r.block} | ${r.cached_tokens_per_s} | ${r.recomputed_tokens_per_s} | ${r.speedup} |`);
  console.log(`\ntraining step, quickstart config (batch 32, L = 64; bd3 runs 2L = 128 tokens), median of ${values.steps} steps`);
  console.log("| variant | median train step ms | ratio to MD4 |");
  console.log("|---|---|---|");
  for (const r of train) console.log(`| ${r.variant} | ${r.median_ms} | ${r.ratio_to_md4} |`);
}
