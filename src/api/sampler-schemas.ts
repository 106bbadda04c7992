/** The sampler registry as data: every sampler name with the spec options it takes, their kinds and defaults. */
import { samplerNames, samplerOptionKeys, specKeys, type SamplerName, type SamplerPolicy, type SpecKey } from "../diffusion/samplers/index.js";
import { policyFor } from "./draw-samples.js";

/** One option of a sampler spec ("name:key=value"): the key, the SamplerOptions field it sets, its kind of value and default. */
export interface SamplerOptionSchema {
  key: SpecKey;
  field: string;
  /** "number", "integer", "boolean", or the list of words it accepts. */
  kind: "number" | "integer" | "boolean" | readonly string[];
  default: number | string | boolean;
}

/** A sampler of the registry and its options. */
export interface SamplerSchema {
  name: SamplerName;
  options: SamplerOptionSchema[];
}

/** Every sampler, in the order of samplerNames. */
export const samplerSchemas: readonly SamplerSchema[] = samplerNames.map((name) => ({
  name,
  options: samplerOptionKeys(name).map((key) => ({ key, field: specKeys[key].field, kind: specKeys[key].kind, default: specKeys[key].def })),
}));

/** The sampler policy a spec names ("name" or "name:key=value,..."; its `name` is the canonical spec); a UserError for a bad spec. */
export function samplerPolicy(spec: string): SamplerPolicy {
  return policyFor(spec, {});
}
