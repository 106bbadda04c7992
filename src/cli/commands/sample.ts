/** `maskdiff sample`: draw sequences from a checkpoint with any sampler. */
import { Command, InvalidArgumentError, Option } from "commander";
import { Rng } from "../../engine/rng.js";
import { scheduleFromName } from "../../diffusion/schedule.js";
import { encodeTemplate, statePositions, type StateLayout } from "../../diffusion/state-layout.js";
import {
  joinSamplerSpec,
  parseSamplerSpec,
  samplerNames,
  splitSamplerSpec,
  sequenceNfeSummary,
  type SamplerPolicy,
  type SampleStats,
} from "../../diffusion/samplers/index.js";
import type { TokenDataset } from "../../data/dataset.js";
import type { GenerateResult, MethodModel } from "../../methods/method.js";
import { generate } from "../../methods/generate.js";
import { checkSampleMemory } from "../../engine/memory-check.js";
import { loadModel } from "../load-model.js";
import { seedArg, intAtLeast, intInRange, MAX_SAMPLE_STEPS, probability } from "../options.js";
import { samplerKeysHelp } from "../sampler-help.js";
import { templateTokens } from "../template.js";
import { UserError } from "../user-error.js";

/** Options of drawSamples. */
export interface DrawOptions {
  n: number;
  steps: number;
  /** A sampler spec, "name" or "name:key=value,..." (see parseSamplerSpec). */
  sampler: string;
  seed: number;
  topP?: number;
  topPVariant?: "mdlm" | "md4";
  grid?: "uniform" | "cosine";
  /** Sequence length in tokens. */
  length: number;
  /** Given and free positions ('_'), as many characters as `length`; given positions are never changed. */
  template?: string;
  /** A latent-variable model's z: drawn once per sequence ("fixed", default) or every step ("per-step"). */
  latent?: "fixed" | "per-step";
  /** Revealed values: drawn from μ ("sample", default) or its argmax ("argmax"). */
  decode?: "sample" | "argmax";
  /** Added to the spec as temperature=…, for the samplers that take one. */
  temperature?: number;
  /** The sampler's masking schedule (the trained one; a schedule the model learned takes its place). */
  schedule: string;
  /** Sampler names the model's method supports (default: any). */
  supported?: readonly string[];
  /** Why the others are refused (the method's samplerLimits). */
  supportedWhy?: string;
  /** A stop token id (methods that generate left to right). */
  stop?: number;
}

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

/** The spec `sampler` with `values` (spec key -> value, undefined = not given) appended as key=value pairs. */
export function specWithOptions(sampler: string, values: Record<string, number | string | undefined>): string {
  const { name, params } = splitSamplerSpec(sampler);
  const extra = Object.entries(values).filter((kv): kv is [string, number | string] => kv[1] !== undefined);
  return joinSamplerSpec(name, [...params, ...extra.map(([k, v]): [string, string] => [k, String(v)])]);
}

/** The policy for the spec plus flag values; any Error becomes a UserError. */
function policyFor(sampler: string, values: Record<string, number | string | undefined>): SamplerPolicy {
  try {
    return parseSamplerSpec(specWithOptions(sampler, values));
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

/** Samples n sequences; returns their decoded text, tokens and the sampler's cost counters (summed over the sequences). */
export function drawSamples(model: MethodModel, data: TokenDataset, o: DrawOptions): { text: string; tokens: number[]; stats: SampleStats }[] {
  const name = splitSamplerSpec(o.sampler).name;
  if (o.supported && !o.supported.includes(name)) throw new UserError(`sampler '${name}' does not work with this model's method; supported: ${o.supported.join(", ")}${o.supportedWhy ? ` (${o.supportedWhy})` : ""}`);
  const policy = policyFor(o.sampler, { temperature: o.temperature });
  if (o.grid !== undefined && policy.grid !== undefined && o.grid !== policy.grid)
    throw new UserError(`--grid ${o.grid}: sampler '${policy.name}' runs on the '${policy.grid}' grid linspace(1, 1e-5, T+1) (compat=official); drop --grid or the compat option`);
  if (o.grid !== undefined && policy.untilDone) throw new UserError(`--grid ${o.grid}: sampler '${policy.name}' takes as many steps as it needs, on its own clock; it has no time grid (drop --grid)`);
  const L = o.length;
  const layout = model.denoiser().layout;
  // block-wise methods check block-level sizes themselves; the others are sampled over all L tokens at once
  if (!model.generate) checkPolicyFits(policy, layout, o.n, L, o.steps);
  if (o.stop !== undefined && !model.generate) throw new UserError("--stop: this model's method generates every position at once; a stop token needs a method that generates left to right");
  let prompt: Int32Array | undefined;
  if (o.template !== undefined) {
    if (model.generate) throw new UserError("--template: this model's method generates block by block from its own start; templates work with the methods that sample every position at once");
    const given = templateTokens(data, o.template);
    if (given.length !== L) throw new UserError(`--template has ${given.length} positions but the sequence length is ${L} (drop --length, or make them agree)`);
    try {
      prompt = encodeTemplate(layout, given);
    } catch (e) {
      throw new UserError(`--template: ${(e as Error).message}`);
    }
  }
  let r: GenerateResult;
  try {
    r = generate(model, policy, {
      prompt, latent: o.latent, decode: o.decode, batch: o.n, length: L, steps: o.steps, schedule: model.learnedSchedule?.() ?? scheduleFromName(o.schedule), rng: new Rng(o.seed),
      topP: o.topP, topPVariant: o.topPVariant, grid: o.grid, stopToken: o.stop,
    });
  } catch (e) {
    if (!model.generate || e instanceof UserError) throw e;
    throw new UserError(`sampler '${policy.name}' with T = ${o.steps} per block: ${(e as Error).message}`);
  }
  return r.sequences.map((seq) => ({ text: data.decode(seq), tokens: Array.from(seq), stats: r.stats }));
}

/** Refuses (UserError) a policy that cannot run T steps on L tokens of this layout, before any sampling. */
function checkPolicyFits(policy: SamplerPolicy, layout: StateLayout, n: number, L: number, steps: number): void {
  let S: number;
  try {
    S = statePositions(layout, L);
  } catch (e) {
    throw new UserError(`--length ${L}: ${(e as Error).message}`);
  }
  try {
    // policies check what depends on L and T (e.g. T ≥ number of blocks) in begin()
    policy.begin?.({ batch: n, length: S, layout, steps, tokens: new Int32Array(n * S).fill(layout.maskId), fixed: null });
  } catch (e) {
    throw new UserError(`sampler '${policy.name}' with T = ${steps}, L = ${L}: ${(e as Error).message}`);
  }
}

/** The token id whose decoded text is `text` (one token), or a UserError. */
export function stopTokenOf(data: TokenDataset, text: string): number {
  const unescaped = text === "\\n" ? "\n" : text;
  for (let v = 0; v < data.vocabSize; v++) if (data.decode([v]) === unescaped) return v;
  throw new UserError(`--stop '${text}': no single token of dataset '${data.name}' decodes to it; give one character of its alphabet (\\n for a newline)`);
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
    .action(async (o) => {
      const values: Record<string, number | string | undefined> = Object.fromEntries(samplerFlags.map(([field, , key]) => [key, o[field] as number | undefined]));
      values.compat = o.remdmCompat as string | undefined;
      const spec = specWithOptions(o.sampler, values);
      const policy = policyFor(spec, {});
      const { model, method, meta, data } = await loadModel(o.checkpoint);
      const length = o.length ?? (o.template === undefined ? meta.config.data.seqLen : Array.from(o.template as string).length);
      const m = meta.config.model;
      // a method with its own generator (block by block) never runs the network on more than the trained length
      const seen = model.generate ? Math.min(length, meta.config.data.seqLen) : length;
      checkSampleMemory({ vocab: data.vocabSize + 1, d: m.d, layers: m.layers, heads: m.heads, cond: m.cond }, o.n, seen);
      const steps = o.steps ?? length;
      const t0 = performance.now();
      const stop = o.stop === undefined ? undefined : stopTokenOf(data, o.stop as string);
      const out = drawSamples(model, data, {
        ...o, sampler: spec, temperature: undefined, steps, length, schedule: meta.config.diffusion.schedule, supported: method.samplers(meta.config), supportedWhy: method.samplerLimits, stop,
      });
      const seconds = (performance.now() - t0) / 1000;
      const name = policy.name;
      const st = out[0]!.stats;
      const perSeq = sequenceNfeSummary(st.sequenceNfe);
      const variable = policy.untilDone === true;
      if (o.json) return console.log(JSON.stringify({ sampler: name, steps: variable ? null : steps, top_p: o.topP, seed: o.seed, seconds, stats: st, nfe_per_sequence: perSeq, samples: out.map((s) => s.text) }));
      out.forEach((s) => console.log(s.text));
      const nfeSeq = `per sequence mean ${perSeq.mean.toFixed(2)}, min ${perSeq.min}, max ${perSeq.max}`;
      console.error(`${name}, ${variable ? "variable steps" : `T=${steps}`}: nfe ${st.nfe} (${nfeSeq}), non-cached ${st.nfeNonCached}, idle steps ${st.idleSteps}, ${seconds.toFixed(2)} s`);
    });
}
