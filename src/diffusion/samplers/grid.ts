/** Sampling time grids: the pair of times (t, s), t > s, that step k of T moves between. */

/**
 * "uniform": t_k = 1 − k/T; "cosine": MD4's grid, the uniform times mapped through τ ↦ cos(π/2·(1 − τ));
 * "official": the official MDLM/ReMDM code's t_k = linspace(1, 1e-5, T + 1), whose last node is 1e-5, not 0
 * (set by the ReMDM samplers' compat=official).
 */
export type GridKind = "uniform" | "cosine" | "official";

/** The last node of the "official" grid, linspace(1, OFFICIAL_T_MIN, T + 1). */
export const OFFICIAL_T_MIN = 1e-5;

/** One sampling step goes from time t down to time s < t. */
export interface GridPoint {
  /** The current (noisier) time. */
  t: number;
  /** The target (cleaner) time. */
  s: number;
}

/** Grid time of node j ∈ [0, T] (node 0 is t = 1; node T is t = 0 exactly, or 1e-5 on the "official" grid). */
export function gridTime(j: number, T: number, kind: GridKind): number {
  if (kind !== "uniform" && kind !== "cosine" && kind !== "official") throw new Error(`unknown grid '${String(kind)}'; valid: uniform, cosine, official`);
  if (j <= 0) return 1;
  if (kind === "official") return j >= T ? OFFICIAL_T_MIN : 1 - (j * (1 - OFFICIAL_T_MIN)) / T;
  if (j >= T) return 0;
  const tau = 1 - j / T;
  return kind === "uniform" ? tau : Math.cos((Math.PI / 2) * (1 - tau));
}

/** The (t, s) pair of step k ∈ [0, T): t = gridTime(k), s = gridTime(k + 1). */
export function gridPoint(k: number, T: number, kind: GridKind): GridPoint {
  if (!Number.isInteger(T) || T < 1) throw new Error(`steps T must be a positive integer, got ${T}`);
  if (!Number.isInteger(k) || k < 0 || k >= T) throw new Error(`step k must be an integer in [0, ${T}), got ${k}`);
  return { t: gridTime(k, T, kind), s: gridTime(k + 1, T, kind) };
}

/** Why a policy cannot run on the asked-for grid (it has a grid of its own, or no grid at all), or undefined when it can. */
export function gridConflict(policy: { name: string; grid?: GridKind; untilDone?: boolean }, asked: GridKind | undefined): string | undefined {
  if (asked === undefined) return undefined;
  if (policy.grid !== undefined && asked !== policy.grid) return `sampler '${policy.name}' runs on the '${policy.grid}' time grid, but grid '${asked}' was asked for`;
  if (policy.untilDone) return `sampler '${policy.name}' takes as many steps as it needs, on its own clock; it has no time grid (grid '${asked}' was asked for)`;
  return undefined;
}
