/** How many masks a confidence-ordered sampler leaves after each step. */

/**
 * "linear": floor(m·(1 − (k+1)/T)); "cosine" (MaskGIT): floor(m·cos(π/2·(k+1)/T));
 * "alpha": round(m·(1 − α(s))), following the masking schedule — m being the number of positions to generate.
 */
export type RevealSchedule = "linear" | "cosine" | "alpha";

/** The valid RevealSchedule names. */
export const revealSchedules: readonly RevealSchedule[] = ["linear", "cosine", "alpha"];

/** Number of masks to remain after step k ∈ [0, T) out of m generated positions; maskProbS = 1 − α(s) of that step. */
export function masksAfterStep(kind: RevealSchedule, m: number, k: number, T: number, maskProbS: number): number {
  if (k + 1 >= T) return 0;
  if (kind === "linear") return Math.floor((m * (T - k - 1)) / T);
  if (kind === "cosine") return Math.floor(m * Math.cos((Math.PI / 2) * ((k + 1) / T)));
  if (kind === "alpha") return Math.min(m, Math.max(0, Math.round(m * maskProbS)));
  throw new Error(`unknown reveal schedule '${String(kind)}'; valid: ${revealSchedules.join(", ")}`);
}
