/** Drawing sequences from a model with any sampler spec, after checking that the request fits the model. */
import { Rng } from "../engine/rng.js";
import { scheduleFromName } from "../diffusion/schedule.js";
import { encodeTemplate, statePositions, type StateLayout } from "../diffusion/state-layout.js";
import { gridConflict, joinSamplerSpec, parseSamplerSpec, splitSamplerSpec, type SampleOptions, type SamplerPolicy, type SampleStats } from "../diffusion/samplers/index.js";
import type { TokenDataset, TokenStream } from "../data/dataset.js";
import type { GenerateResult, MethodModel } from "../methods/method.js";
import { generate } from "../methods/generate.js";
import { UserError } from "../errors.js";
import { templateTokens } from "./template.js";

/**
 * The most sampling steps a run may take (the CLI's --steps, LoadedModel.sample): 2^20 = 1 048 576, a thousand times the
 * T = 1024 of the released ReMDM runs. Each step is one network call on the whole batch, so a larger T is
 * almost surely a typo that would otherwise run for days with no output.
 */
export const MAX_SAMPLE_STEPS = 2 ** 20;

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
  /** Called after every step of the sampling loop (see SampleOptions.onStep). */
  onStep?: SampleOptions["onStep"];
}

/** The spec `sampler` with `values` (spec key -> value, undefined = not given) appended as key=value pairs. */
export function specWithOptions(sampler: string, values: Record<string, number | string | undefined>): string {
  const { name, params } = splitSamplerSpec(sampler);
  const extra = Object.entries(values).filter((kv): kv is [string, number | string] => kv[1] !== undefined);
  return joinSamplerSpec(name, [...params, ...extra.map(([k, v]): [string, string] => [k, String(v)])]);
}

/** The policy for the spec plus flag values; any Error becomes a UserError. */
export function policyFor(sampler: string, values: Record<string, number | string | undefined>): SamplerPolicy {
  try {
    return parseSamplerSpec(specWithOptions(sampler, values));
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

/** Samples n sequences; returns their decoded text, tokens and the sampler's cost counters (summed over the sequences). */
export function drawSamples(model: MethodModel, data: TokenDataset<TokenStream>, o: DrawOptions): { text: string; tokens: number[]; stats: SampleStats }[] {
  const name = splitSamplerSpec(o.sampler).name;
  if (o.supported && !o.supported.includes(name)) throw new UserError(`sampler '${name}' does not work with this model's method; supported: ${o.supported.join(", ")}${o.supportedWhy ? ` (${o.supportedWhy})` : ""}`);
  const policy = policyFor(o.sampler, { temperature: o.temperature });
  const gridProblem = gridConflict(policy, o.grid);
  if (gridProblem) throw new UserError(`--grid ${o.grid}: ${gridProblem}; drop --grid${policy.grid ? " or the sampler's compat option" : ""}`);
  const L = o.length;
  const layout = model.denoiser().layout;
  // block-wise methods check block-level sizes themselves; the others are sampled over all L tokens at once
  if (!model.generate) checkPolicyFits(policy, layout, o.n, L, o.steps);
  if (o.stop !== undefined && !model.generate) throw new UserError("--stop: this model's method generates every position at once; a stop token needs a method that generates left to right");
  let prompt: Int32Array | undefined;
  if (o.template !== undefined) {
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
      topP: o.topP, topPVariant: o.topPVariant, grid: o.grid, stopToken: o.stop, onStep: o.onStep,
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
export function stopTokenOf(data: TokenDataset<TokenStream>, text: string): number {
  const unescaped = text === "\\n" ? "\n" : text;
  for (let v = 0; v < data.vocabSize; v++) if (data.decode([v]) === unescaped) return v;
  throw new UserError(`--stop '${text}': no single token of dataset '${data.name}' decodes to it; give one character of its alphabet (\\n for a newline)`);
}

