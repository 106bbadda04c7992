/** `maskdiff sample`: draw sequences from a checkpoint with any sampler. */
import { Command, InvalidArgumentError, Option } from "commander";
import { parseSamplerSpec, samplerNames, sequenceNfeSummary } from "../../diffusion/samplers/index.js";
import { samplerKeysHelp } from "../sampler-help.js";
import { loadModel } from "../../api/load-model.js";
import { MAX_SAMPLE_STEPS, policyFor, specWithOptions } from "../../api/draw-samples.js";
import { seedArg, intAtLeast, intInRange, probability } from "../options.js";
import { sampleStatistics } from "../../eval/sample-statistics.js";

/** Sampler option flags of the sample command and the spec key each one sets. */
const samplerFlags = [
  ["etaCap", "--eta-cap <x>", "eta_cap", "ReMDM-cap η_cap in [0, 1] (remdm-cap, remdm-cap-conf; default 0.008)"],
  ["etaRescale", "--eta-rescale <x>", "eta_rescale", "ReMDM-rescale η_rescale in [0, 1] (remdm-rescale; default 0.015)"],
  ["eta", "--eta <x>", "eta", "ReMDM-loop phase-2 σ in [0, (1 − α_on)/α_on] (remdm-loop*; default 0.02)"],
  ["tOn", "--t-on <t>", "t_on", "ReMDM-loop switch-on time, t_off < t_on ≤ 1 (default 0.55)"],
  ["tOff", "--t-off <t>", "t_off", "ReMDM-loop switch-off time, 0 ≤ t_off < t_on (default 0.05)"],
  ["alphaOn", "--alpha-on <a>", "alpha_on", "ReMDM-loop plateau α_on in (0, 1) (default 0.9)"],
  ["block", "--block <n>", "block", "positions per block (block-* samplers; default 32)"],
  ["temperature", "--temperature <x>", "temperature", "Gumbel noise on confidence scores (confidence and block-confidence samplers; default 0)"],
] as const;

/** Any finite number (ranges are checked by the sampler, with its own message). */
function finiteNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${v}'`);
  return n;
}

/** Checks a --sampler value's syntax and name at parse time. */
function samplerSpecArg(v: string): string {
  try {
    parseSamplerSpec(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return v;
}

/** The sample command. */
export function sampleCommand(): Command {
  const cmd = new Command("sample")
    .description("draw samples from a trained checkpoint")
    .requiredOption("--checkpoint <file>", "a ckpt-*.safetensors file written by maskdiff train")
    .option("--steps <T>", `sampling steps, 1 to ${MAX_SAMPLE_STEPS}, per block for block-wise methods (default: the sequence length; may exceed it)`, intInRange(1, MAX_SAMPLE_STEPS))
    .option(
      "--sampler <spec>",
      `sampling policy, NAME or NAME:key=value,... (keys as the flags below, e.g. remdm-loop:eta=0.02,t_on=0.55); NAME one of: ${samplerNames.join(", ")}`,
      samplerSpecArg,
      "ancestral",
    )
    .option("--top-p <p>", "nucleus mass in (0, 1]", probability, 1)
    .addOption(new Option("--top-p-variant <v>", "nucleus rule: mdlm excludes the crossing token, md4 keeps it").choices(["mdlm", "md4"]).default("mdlm"))
    .addOption(new Option("--grid <g>", "time grid (default: uniform; --remdm-compat official sets the official linspace(1, 1e-5, T+1))").choices(["uniform", "cosine"]))
    .addOption(
      new Option(
        "--remdm-compat <mode>",
        "ReMDM samplers (remdm-*, fb): 'official' reproduces the official ReMDM code step for step — the grid linspace(1, 1e-5, T+1), " +
          "remdm-loop applying t's phase formula to s at the steps straddling t_on/t_off, fb's σ not clamped to σ_max; " +
          "'ours' (default) follows ALGORITHMS.md §4 (spec key compat=...)",
      ).choices(["ours", "official"]),
    );
  for (const [, flag, , help] of samplerFlags) cmd.option(flag, help, flag === "--block <n>" ? intAtLeast(1) : finiteNumber);
  return cmd
    .addHelpText("after", samplerKeysHelp())
    .option("--length <L>", "sequence length (default: the trained length, or the template's; block-wise methods go past the trained length with a sliding context)", intAtLeast(1))
    .addOption(new Option("--decode <how>", "value of a revealed token: a draw from μ, or its most probable class (VMD's sampler)").choices(["sample", "argmax"]).default("sample"))
    .addOption(new Option("--latent <mode>", "latent-variable models (vmd): z ~ N(0, I) drawn once per sequence and held (the paper's), or redrawn every step (VADD's)").choices(["fixed", "per-step"]).default("fixed"))
    .option("--template <text>", "generate conditionally: given characters are kept, '_' marks a free position (e.g. \"the _____ of ___\")")
    .option("--stop <char>", "end a sequence at this token, kept as its last one (methods that generate left to right, such as block diffusion); \\n for a newline")
    .option("--seed <s>", "random seed", seedArg(), 0)
    .option("-n, --n <n>", "number of samples", intAtLeast(1), 4)
    .option("--json", "print JSON")
    .option("--stats", "also report the samples' mean per-sequence entropy (nats) and rep-1..4 repetition rates")
    .action(async (o) => {
      const values: Record<string, number | string | undefined> = Object.fromEntries(samplerFlags.map(([field, , key]) => [key, o[field] as number | undefined]));
      values.compat = o.remdmCompat as string | undefined;
      const sampler = specWithOptions(o.sampler, values);
      const policy = policyFor(sampler, {}); // a bad sampler option is reported before the checkpoint is read
      const model = await loadModel(o.checkpoint);
      const t0 = performance.now();
      const out = model.sample({ ...o, sampler, temperature: undefined });
      const seconds = (performance.now() - t0) / 1000;
      const textStats = o.stats ? sampleStatistics(out.tokens, model.data.vocabSize) : undefined;
      const st = out.stats;
      const perSeq = sequenceNfeSummary(st.sequenceNfe);
      const variable = policy.untilDone === true;
      if (o.json) return console.log(JSON.stringify({ sampler: out.sampler, steps: variable ? null : out.steps, top_p: o.topP, seed: o.seed, seconds, stats: st, nfe_per_sequence: perSeq, sample_stats: textStats, samples: out.texts }));
      out.texts.forEach((text) => console.log(text));
      const nfeSeq = `per sequence mean ${perSeq.mean.toFixed(2)}, min ${perSeq.min}, max ${perSeq.max}`;
      console.error(`${out.sampler}, ${variable ? "variable steps" : `T=${out.steps}`}: nfe ${st.nfe} (${nfeSeq}), non-cached ${st.nfeNonCached}, idle steps ${st.idleSteps}, ${seconds.toFixed(2)} s`);
      if (textStats) {
        const r = textStats.repetition;
        console.error(`entropy ${textStats.entropy.toFixed(3)} nats per sequence; rep-1 ${r.rep1.toFixed(3)}, rep-2 ${r.rep2.toFixed(3)}, rep-3 ${r.rep3.toFixed(3)}, rep-4 ${r.rep4.toFixed(3)}`);
      }
    });
}
