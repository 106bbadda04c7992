/** ReMDM hyper-parameters: the released defaults (ALGORITHMS.md §4.4) and range checks with clear messages. */

/** Released ReMDM defaults: η_cap, η_rescale, and ReMDM-loop's η, t_on, t_off, α_on. */
export const remdmDefaults = { etaCap: 0.008, etaRescale: 0.015, eta: 0.02, tOn: 0.55, tOff: 0.05, alphaOn: 0.9 } as const;

/**
 * ReMDM compatibility mode. "ours" (the default) follows ALGORITHMS.md §4: the uniform grid 1 − k/T down to 0,
 * ReMDM-loop's α(t) continuous across phase boundaries, σ clamped to σ_max for every sampler. "official"
 * reproduces the official ReMDM code step for step: the grid linspace(1, 1e-5, T + 1), ReMDM-loop applying
 * the phase of t to s as well on a step that straddles t_on or t_off, and FB's σ not clamped to σ_max.
 */
export type RemdmCompat = "ours" | "official";

/** The compat values, default first. */
export const remdmCompatModes = ["ours", "official"] as const satisfies readonly RemdmCompat[];

/** Throws `${who}: ${key} must be in ${range}, got ${value}` unless lo ≤ value ≤ hi (bounds excluded when open). */
export function checkRange(who: string, key: string, value: number, lo: number, hi: number, open: { lo?: boolean; hi?: boolean } = {}): void {
  const okLo = open.lo ? value > lo : value >= lo;
  const okHi = open.hi ? value < hi : value <= hi;
  if (typeof value === "number" && Number.isFinite(value) && okLo && okHi) return;
  const range = `${open.lo ? "(" : "["}${lo}, ${hi}${open.hi ? ")" : "]"}`;
  throw new Error(`${who}: ${key} must be in ${range}, got ${value}`);
}
