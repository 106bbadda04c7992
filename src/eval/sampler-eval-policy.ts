/** Sampler policies from command-line specs for eval-samplers: the one place that maps a spec to a policy. */
import { samplerFromName, type SamplerPolicy } from "../diffusion/samplers/index.js";

/** The policy a spec names ("name", or "name:key=value,..." once the samplers accept options); throws on a bad spec. */
export function policyFromSpec(spec: string): SamplerPolicy {
  if (spec.includes(":")) throw new Error(`sampler spec '${spec}': options after ':' are not supported yet; give a plain sampler name`);
  return samplerFromName(spec);
}
