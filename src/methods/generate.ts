/** Drawing sequences from a built model: the method's own generator where it has one, else the one loop over the whole sequence. */
import { sample } from "../diffusion/samplers/loop.js";
import type { SamplerPolicy } from "../diffusion/samplers/policy.js";
import type { GenerateOptions, GenerateResult, MethodModel } from "./method.js";

/** Samples opts.batch sequences of opts.length tokens with `policy`; a stop token needs a method that generates left to right. */
export function generate(model: Pick<MethodModel, "denoiser" | "generate">, policy: SamplerPolicy, opts: GenerateOptions): GenerateResult {
  if (model.generate) return model.generate(policy, opts);
  if (opts.stopToken !== undefined) throw new Error("a stop token needs a method that generates left to right (block diffusion); this one generates every position at once");
  const r = sample(model.denoiser(), policy, opts);
  const L = opts.length;
  return { sequences: Array.from({ length: r.batch }, (_, b) => r.tokens.slice(b * L, (b + 1) * L)), stats: r.stats };
}
