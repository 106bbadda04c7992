/** `maskdiff sample`: draw sequences from a checkpoint with any sampler. */
import { Command, Option } from "commander";
import { Rng } from "../../engine/rng.js";
import { scheduleFromName } from "../../diffusion/schedule.js";
import { sample, samplerFromName, samplerNames, type SampleStats } from "../../diffusion/samplers/index.js";
import type { TokenDataset } from "../../data/dataset.js";
import type { DiT } from "../../models/dit.js";
import { netDenoiser } from "../../models/net-denoiser.js";
import { loadModel } from "../load-model.js";
import { intAtLeast, numberIn, probability } from "../options.js";
import { UserError } from "../user-error.js";

/** Options of drawSamples. */
export interface DrawOptions {
  n: number;
  steps: number;
  sampler: string;
  seed: number;
  topP?: number;
  topPVariant?: "mdlm" | "md4";
  grid?: "uniform" | "cosine";
  length?: number;
  temperature?: number;
  schedule?: string;
}

/** Samples n sequences; returns their decoded text, tokens and the sampler's cost counters. */
export function drawSamples(model: DiT, data: TokenDataset, o: DrawOptions): { text: string; tokens: number[]; stats: SampleStats }[] {
  let policy;
  try {
    policy = samplerFromName(o.sampler, { temperature: o.temperature });
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const L = o.length ?? model.config.seq;
  const r = sample(netDenoiser(model), policy, {
    batch: o.n, length: L, steps: o.steps, schedule: scheduleFromName(o.schedule ?? "linear"), rng: new Rng(o.seed),
    topP: o.topP, topPVariant: o.topPVariant, grid: o.grid,
  });
  return Array.from({ length: o.n }, (_, b) => {
    const tokens = Array.from(r.tokens.subarray(b * L, (b + 1) * L));
    return { text: data.decode(tokens), tokens, stats: r.stats };
  });
}

/** The sample command. */
export function sampleCommand(): Command {
  return new Command("sample")
    .description("draw samples from a trained checkpoint")
    .requiredOption("--checkpoint <file>", "a ckpt-*.safetensors file written by maskdiff train")
    .option("--steps <T>", "sampling steps (default: the sequence length)", intAtLeast(1))
    .addOption(new Option("--sampler <name>", "sampling policy").choices([...samplerNames]).default("ancestral"))
    .option("--top-p <p>", "nucleus mass in (0, 1]", probability, 1)
    .addOption(new Option("--top-p-variant <v>", "nucleus rule: mdlm excludes the crossing token, md4 keeps it").choices(["mdlm", "md4"]).default("mdlm"))
    .addOption(new Option("--grid <g>", "time grid").choices(["uniform", "cosine"]).default("uniform"))
    .option("--temperature <x>", "Gumbel noise on confidence scores (confidence samplers)", numberIn(0, 1e6), 0)
    .option("--length <L>", "sequence length (default: the trained length)", intAtLeast(1))
    .option("--seed <s>", "random seed", intAtLeast(0), 0)
    .option("-n, --n <n>", "number of samples", intAtLeast(1), 4)
    .option("--json", "print JSON")
    .action(async (o) => {
      const { model, meta, data } = await loadModel(o.checkpoint);
      const steps = o.steps ?? o.length ?? model.config.seq;
      const t0 = performance.now();
      const out = drawSamples(model, data, { ...o, steps, schedule: meta.config.diffusion.schedule });
      const seconds = (performance.now() - t0) / 1000;
      if (o.json) return console.log(JSON.stringify({ sampler: o.sampler, steps, top_p: o.topP, seed: o.seed, seconds, stats: out[0]!.stats, samples: out.map((s) => s.text) }));
      out.forEach((s) => console.log(s.text));
      const st = out[0]!.stats;
      console.error(`${o.sampler}, T=${steps}: nfe ${st.nfe}, non-cached ${st.nfeNonCached}, idle steps ${st.idleSteps}, ${seconds.toFixed(2)} s`);
    });
}
