/** Policies by name, for configs and the command line. */
import { ancestralPolicy } from "./ancestral.js";
import { confidencePolicy, type ConfidenceOptions } from "./confidence.js";
import type { SamplerPolicy } from "./policy.js";

/** The names samplerFromName accepts. */
export const samplerNames = ["ancestral", "confidence-prob", "confidence-margin", "confidence-entropy"] as const;

/** One of samplerNames. */
export type SamplerName = (typeof samplerNames)[number];

/** Options for samplerFromName (the confidence options apply to the confidence-* names; the score comes from the name). */
export type SamplerOptions = Omit<ConfidenceOptions, "score">;

/** The policy called `name`; throws an Error listing the valid names for an unknown one. */
export function samplerFromName(name: string, opts: SamplerOptions = {}): SamplerPolicy {
  switch (name) {
    case "ancestral":
      return ancestralPolicy();
    case "confidence-prob":
      return confidencePolicy({ ...opts, score: "prob" });
    case "confidence-margin":
      return confidencePolicy({ ...opts, score: "margin" });
    case "confidence-entropy":
      return confidencePolicy({ ...opts, score: "entropy" });
    default:
      throw new Error(`unknown sampler '${name}'; valid: ${samplerNames.join(", ")}`);
  }
}
