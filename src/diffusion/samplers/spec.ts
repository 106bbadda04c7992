/**
 * Sampler specs: "name" or "name:key=value,key=value", e.g. "remdm-loop:eta=0.02,t_on=0.55" or
 * "block-confidence-prob:block=8,temperature=0.5". Keys (sampler-options.ts): eta_cap, eta_rescale, eta, t_on,
 * t_off, alpha_on, block, temperature, anneal, candidate, reveal, min_reveal, compat; each sampler takes only its own.
 * compat=official (ReMDM samplers) reproduces the official ReMDM code step for step; see remdm-params.ts.
 */
import { samplerFromName, samplerNames, samplerOptionKeys, type SamplerName } from "./from-name.js";
import type { SamplerPolicy } from "./policy.js";
import { isSpecKey, readSpecValue, specKeys, type SamplerOptions } from "./sampler-options.js";

/** A spec split into its name and key=value pairs (text, unchecked). */
export interface SpecParts {
  name: string;
  params: [string, string][];
}

/** Splits a spec by its syntax only; throws on an empty name or a pair without '='. */
export function splitSamplerSpec(spec: string): SpecParts {
  const colon = spec.indexOf(":");
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  if (name === "") throw new Error(`sampler spec '${spec}': missing sampler name; expected name or name:key=value,...`);
  if (colon < 0) return { name, params: [] };
  const params = spec
    .slice(colon + 1)
    .split(",")
    .map((pair): [string, string] => {
      const eq = pair.indexOf("=");
      const key = eq < 0 ? "" : pair.slice(0, eq).trim();
      if (key === "") throw new Error(`sampler spec '${spec}': expected key=value, got '${pair.trim()}'`);
      return [key, pair.slice(eq + 1).trim()];
    });
  return { name, params };
}

/** Joins a name and key=value pairs back into a spec string. */
export function joinSamplerSpec(name: string, params: readonly (readonly [string, string])[]): string {
  return params.length === 0 ? name : `${name}:${params.map(([k, v]) => `${k}=${v}`).join(",")}`;
}

/** The sampler name and options a spec denotes; throws an Error naming the spec and what is wrong with it. */
export function samplerOptionsFromSpec(spec: string): { name: SamplerName; options: SamplerOptions } {
  const { name, params } = splitSamplerSpec(spec);
  const fail = (why: string): never => {
    throw new Error(`sampler spec '${spec}': ${why}`);
  };
  if (!(samplerNames as readonly string[]).includes(name)) fail(`unknown sampler '${name}'; valid: ${samplerNames.join(", ")}`);
  const allowed = samplerOptionKeys(name);
  const options: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [key, raw] of params) {
    if (!isSpecKey(key) || !allowed.includes(key)) {
      fail(`sampler '${name}' takes no option '${key}'; its options: ${allowed.length === 0 ? "none" : allowed.join(", ")}`);
    }
    if (seen.has(key)) fail(`option '${key}' is given twice`);
    seen.add(key);
    try {
      options[specKeys[key as keyof typeof specKeys].field] = readSpecValue(key as keyof typeof specKeys, raw);
    } catch (e) {
      fail((e as Error).message);
    }
  }
  return { name: name as SamplerName, options: options as SamplerOptions };
}

/** The policy a spec denotes (see the file comment); invalid names, keys or values throw an Error naming the spec. */
export function parseSamplerSpec(spec: string): SamplerPolicy {
  const { name, options } = samplerOptionsFromSpec(spec);
  try {
    return samplerFromName(name, options);
  } catch (e) {
    throw new Error(`sampler spec '${spec}': ${(e as Error).message}`);
  }
}
