/** Sampler policies from command-line specs for eval-samplers: the one place that maps a spec to a policy. */
import { parseSamplerSpec, type SamplerPolicy } from "../diffusion/samplers/index.js";

/** The policy a spec names: "name" or "name:key=value,..." (parseSamplerSpec); throws an Error on a bad spec. */
export function policyFromSpec(spec: string): SamplerPolicy {
  return parseSamplerSpec(spec);
}
