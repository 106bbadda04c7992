/** The `sample --help` section listing every sampler's spec keys, with each key's range and default. */
import { samplerNames, samplerOptionKeys, specKeys, type SpecKey } from "../diffusion/samplers/index.js";

/** What each spec key sets and its valid values (the default comes from specKeys). */
const keyHelp: Record<SpecKey, string> = {
  eta_cap: "ReMDM-cap η_cap in [0, 1]; remdm-threshold's remasking probability",
  eta_rescale: "ReMDM-rescale η_rescale in [0, 1]",
  eta: "ReMDM-loop phase-2 σ in [0, (1 − α_on)/α_on]",
  t_on: "ReMDM-loop switch-on time, t_off < t_on ≤ 1",
  t_off: "ReMDM-loop switch-off time, 0 ≤ t_off < t_on",
  alpha_on: "ReMDM-loop plateau α_on in (0, 1)",
  block: "positions per block, integer ≥ 1",
  temperature: "Gumbel noise scale on confidence scores, ≥ 0",
  anneal: "anneal the Gumbel noise by 1 − (k+1)/T: true, false",
  candidate: "revealed value: greedy (argmax of μ) or sample (a draw from μ)",
  reveal: "masks left after each step: linear, cosine, alpha",
  min_reveal: "reveals per step at least, integer ≥ 0",
  compat: "ReMDM code compatibility: ours, official",
  tau: "confidence threshold τ in [0, 1] (variable steps)",
  score: "what τ is put on: prob (μ of the candidate) or margin (top-1 − top-2)",
  cap: "most reveals per step, integer ≥ 0 (0: no cap)",
  gamma: "entropy budget γ ≥ 0 in nats per step (variable steps)",
  clock: "first-hitting time: exact (jump to the next reveal; --steps ignored) or grid (the loop's T-step grid)",
};

/** Help text: each sampler with its keys, then each key with its meaning and default. */
export function samplerKeysHelp(): string {
  const lines = ["", "Sampler spec keys (--sampler NAME:key=value,...):"];
  for (const name of samplerNames) {
    const keys = samplerOptionKeys(name);
    lines.push(`  ${name}: ${keys.length === 0 ? "(none)" : keys.join(", ")}`);
  }
  lines.push("", "Keys (default in brackets):");
  for (const key of Object.keys(keyHelp) as SpecKey[]) lines.push(`  ${key}: ${keyHelp[key]} [${String(specKeys[key].def)}]`);
  lines.push("", "confidence-threshold, entropy-bounded, remdm-threshold and first-hitting (clock=exact) take as many steps as they need; --steps is ignored.");
  return lines.join("\n");
}
