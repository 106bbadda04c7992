/** Policies by name, for configs and the command line. */
import { ancestralPolicy } from "./ancestral.js";
import { blockPolicy } from "./block.js";
import { confidencePolicy } from "./confidence.js";
import type { ConfidenceScore } from "./confidence-score.js";
import { dfmPolicy, fbPolicy } from "./correctors.js";
import { entropyBoundedPolicy } from "./entropy-bounded.js";
import { firstHittingPolicy } from "./first-hitting.js";
import type { SamplerPolicy } from "./policy.js";
import { remdmCapPolicy, remdmRescalePolicy } from "./remdm-cap-rescale.js";
import { remdmCapConfPolicy, remdmConfPolicy } from "./remdm-conf.js";
import { remdmLoopPolicy } from "./remdm-loop.js";
import { remdmThresholdPolicy } from "./remdm-threshold.js";
import { thresholdPolicy } from "./threshold.js";
import { canonicalSpec, type SamplerOptions, type SpecKey } from "./sampler-options.js";

export type { SamplerOptions } from "./sampler-options.js";

/** The names samplerFromName accepts. */
export const samplerNames = [
  "ancestral",
  "confidence-prob",
  "confidence-margin",
  "confidence-entropy",
  "random-order",
  "remdm-cap",
  "remdm-rescale",
  "remdm-conf",
  "remdm-cap-conf",
  "remdm-loop",
  "remdm-loop-conf",
  "fb",
  "dfm",
  "block-ancestral",
  "block-confidence-prob",
  "block-confidence-margin",
  "block-confidence-entropy",
  "first-hitting",
  "confidence-threshold",
  "entropy-bounded",
  "remdm-threshold",
] as const;

/** One of samplerNames. */
export type SamplerName = (typeof samplerNames)[number];

/** A named sampler: the option keys it takes and how it is built. */
interface Entry {
  keys: readonly SpecKey[];
  make(o: SamplerOptions): SamplerPolicy;
}

const confKeys = ["temperature", "anneal", "candidate", "reveal", "min_reveal"] as const;
const thresholdKeys = ["tau", "score", "cap", "candidate"] as const;
const loopKeys = ["eta", "t_on", "t_off", "alpha_on", "compat"] as const;
const confidence = (score: ConfidenceScore): Entry => ({ keys: confKeys, make: (o) => confidencePolicy({ ...o, score }) });
const block = (inner: Entry): Entry => ({ keys: ["block", ...inner.keys], make: (o) => blockPolicy(inner.make(o), o) });

const entries: Record<SamplerName, Entry> = {
  ancestral: { keys: [], make: () => ancestralPolicy() },
  "confidence-prob": confidence("prob"),
  "confidence-margin": confidence("margin"),
  "confidence-entropy": confidence("entropy"),
  // a fixed number of reveals per step (the reveal schedule) at uniformly random positions, values drawn from μ
  "random-order": { keys: ["reveal", "min_reveal", "candidate"], make: (o) => confidencePolicy({ ...o, candidate: o.candidate ?? "sample", score: "random", temperature: 0 }) },
  "remdm-cap": { keys: ["eta_cap", "compat"], make: (o) => remdmCapPolicy(o) },
  "remdm-rescale": { keys: ["eta_rescale", "compat"], make: (o) => remdmRescalePolicy(o) },
  "remdm-conf": { keys: ["compat"], make: () => remdmConfPolicy() },
  "remdm-cap-conf": { keys: ["eta_cap", "compat"], make: (o) => remdmCapConfPolicy({ etaCap: o.etaCap }) },
  "remdm-loop": { keys: loopKeys, make: (o) => remdmLoopPolicy({ eta: o.eta, tOn: o.tOn, tOff: o.tOff, alphaOn: o.alphaOn, compat: o.compat }) },
  "remdm-loop-conf": { keys: loopKeys, make: (o) => remdmLoopPolicy({ eta: o.eta, tOn: o.tOn, tOff: o.tOff, alphaOn: o.alphaOn, conf: true, compat: o.compat }) },
  fb: { keys: ["compat"], make: (o) => fbPolicy({ compat: o.compat }) },
  dfm: { keys: [], make: () => dfmPolicy() },
  "block-ancestral": block({ keys: [], make: () => ancestralPolicy() }),
  "block-confidence-prob": block(confidence("prob")),
  "block-confidence-margin": block(confidence("margin")),
  "block-confidence-entropy": block(confidence("entropy")),
  "first-hitting": { keys: ["clock"], make: (o) => firstHittingPolicy(o) },
  "confidence-threshold": { keys: thresholdKeys, make: (o) => thresholdPolicy(o) },
  "entropy-bounded": { keys: ["gamma", "cap", "candidate"], make: (o) => entropyBoundedPolicy(o) },
  "remdm-threshold": { keys: [...thresholdKeys, "eta_cap"], make: (o) => remdmThresholdPolicy(o) },
};

/** The entry of `name`; throws an Error listing the valid names for an unknown one. */
function entry(name: string): Entry {
  if (!(samplerNames as readonly string[]).includes(name)) throw new Error(`unknown sampler '${name}'; valid: ${samplerNames.join(", ")}`);
  return entries[name as SamplerName];
}

/** The spec keys (see sampler-options.ts) that the sampler `name` takes. */
export function samplerOptionKeys(name: string): readonly SpecKey[] {
  return entry(name).keys;
}

/**
 * The policy called `name`, built with the options that apply to it (others are ignored). Its name is the
 * canonical spec: `name`, plus ":key=value,..." for applicable options that differ from their defaults.
 * compat=official (the ReMDM samplers and fb) puts the policy on the official grid linspace(1, 1e-5, T + 1);
 * ReMDM-loop and fb also take their official step rules (see remdm-params.ts); cap, rescale and conf have
 * no other difference from the official code.
 * Throws an Error for an unknown name (listing the valid ones) or an invalid option value.
 */
export function samplerFromName(name: string, opts: SamplerOptions = {}): SamplerPolicy {
  const e = entry(name);
  const official = e.keys.includes("compat") && opts.compat === "official";
  return { ...e.make(opts), name: canonicalSpec(name, opts, e.keys), ...(official ? { grid: "official" as const } : {}) };
}
