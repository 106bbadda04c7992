/** Options of the named samplers and their spec keys ("eta_cap=0.01"): field, value kind and default of each. */
import { defaultBlock, type BlockOptions } from "./block.js";
import type { ConfidenceOptions } from "./confidence.js";
import { remdmCompatModes, remdmDefaults, type RemdmCompat } from "./remdm-params.js";
import type { EntropyBoundedOptions } from "./entropy-bounded.js";
import { firstHittingClocks, type FirstHittingOptions } from "./first-hitting.js";
import { revealSchedules } from "./reveal-count.js";
import { thresholdScores, type ThresholdOptions } from "./threshold.js";

/** Options for samplerFromName; each name uses only the ones listed by samplerOptionKeys (the rest are ignored). */
export interface SamplerOptions extends Omit<ConfidenceOptions, "score">, BlockOptions, ThresholdOptions, EntropyBoundedOptions, FirstHittingOptions {
  /** ReMDM-cap's η_cap ∈ [0, 1]. */
  etaCap?: number;
  /** ReMDM-rescale's η_rescale ∈ [0, 1]. */
  etaRescale?: number;
  /** ReMDM-loop's phase-2 σ, η ∈ [0, (1 − α_on)/α_on]. */
  eta?: number;
  /** ReMDM-loop's switch-on time. */
  tOn?: number;
  /** ReMDM-loop's switch-off time. */
  tOff?: number;
  /** ReMDM-loop's plateau α_on. */
  alphaOn?: number;
  /** ReMDM samplers: "official" reproduces the official code (grid, loop phase rule, FB's unclamped σ); default "ours". */
  compat?: RemdmCompat;
}

/** How a spec value is read: a number, an integer, true/false, or one of a list of words. */
type ValueKind = "number" | "integer" | "boolean" | readonly string[];

/** One spec key: the SamplerOptions field it sets, how its value is read, and the default it has. */
interface SpecKeyInfo {
  readonly field: keyof SamplerOptions;
  readonly kind: ValueKind;
  readonly def: number | string | boolean;
}

/** Every spec key. */
export const specKeys = {
  eta_cap: { field: "etaCap", kind: "number", def: remdmDefaults.etaCap },
  eta_rescale: { field: "etaRescale", kind: "number", def: remdmDefaults.etaRescale },
  eta: { field: "eta", kind: "number", def: remdmDefaults.eta },
  t_on: { field: "tOn", kind: "number", def: remdmDefaults.tOn },
  t_off: { field: "tOff", kind: "number", def: remdmDefaults.tOff },
  alpha_on: { field: "alphaOn", kind: "number", def: remdmDefaults.alphaOn },
  block: { field: "block", kind: "integer", def: defaultBlock },
  temperature: { field: "temperature", kind: "number", def: 0 },
  anneal: { field: "annealTemperature", kind: "boolean", def: true },
  candidate: { field: "candidate", kind: ["greedy", "sample"], def: "greedy" },
  reveal: { field: "reveal", kind: revealSchedules, def: "linear" },
  min_reveal: { field: "minRevealPerStep", kind: "integer", def: 1 },
  compat: { field: "compat", kind: remdmCompatModes, def: "ours" },
  tau: { field: "tau", kind: "number", def: 0.9 },
  score: { field: "thresholdScore", kind: thresholdScores, def: "prob" },
  cap: { field: "cap", kind: "integer", def: 0 },
  gamma: { field: "gamma", kind: "number", def: 1 },
  clock: { field: "clock", kind: firstHittingClocks, def: "exact" },
} as const satisfies Record<string, SpecKeyInfo>;

/** A spec key. */
export type SpecKey = keyof typeof specKeys;

/** Whether `key` is a spec key. */
export function isSpecKey(key: string): key is SpecKey {
  return Object.hasOwn(specKeys, key);
}

/** Reads the text value of a spec key; throws an Error saying what was expected. */
export function readSpecValue(key: SpecKey, raw: string): number | string | boolean {
  const kind: ValueKind = specKeys[key].kind;
  const n = Number(raw);
  if (kind === "number" || kind === "integer") {
    if (raw.trim() === "" || !Number.isFinite(n)) throw new Error(`${key} must be a number, got '${raw}'`);
    if (kind === "integer" && !Number.isInteger(n)) throw new Error(`${key} must be an integer, got '${raw}'`);
    return n;
  }
  if (kind === "boolean") {
    if (raw === "true" || raw === "false") return raw === "true";
    throw new Error(`${key} must be true or false, got '${raw}'`);
  }
  if (!kind.includes(raw)) throw new Error(`${key} must be one of ${kind.join(", ")}, got '${raw}'`);
  return raw;
}

/** "name" or "name:key=value,..." listing, in `keys` order, the options set to something other than their default. */
export function canonicalSpec(name: string, opts: SamplerOptions, keys: readonly SpecKey[]): string {
  const parts: string[] = [];
  for (const key of keys) {
    const v = opts[specKeys[key].field];
    if (v !== undefined && v !== specKeys[key].def) parts.push(`${key}=${String(v)}`);
  }
  return parts.length === 0 ? name : `${name}:${parts.join(",")}`;
}
