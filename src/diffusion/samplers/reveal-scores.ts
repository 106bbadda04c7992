/**
 * ReMDM-conf's bookkeeping (ALGORITHMS.md §4.4): ψ per position is μ of the token the sampler revealed
 * there (the probability it was drawn with), +∞ while masked or after a remask; η_conf = softmax(−ψ)
 * over a sequence's revealed, non-prompt positions. Kept in float64 (the reference keeps bfloat16).
 */
import type { StepContext } from "./policy.js";

/** The ψ store of one sample() call, [B·L]. */
export class RevealScores {
  /** ψ per flat position; +∞ where nothing was revealed by the sampler. */
  psi = new Float64Array(0);

  /** Starts over for a state of `size` positions (all ψ = +∞). */
  reset(size: number): void {
    this.psi = new Float64Array(size).fill(Infinity);
  }

  /** Resets unless the store already has `size` positions (for steps run without begin()). */
  fit(size: number): void {
    if (this.psi.length !== size) this.reset(size);
  }

  /**
   * After a step from prev to ctx.tokens: reveals get ψ = μ of the revealed class (the candidate of ctx.draw,
   * whose probability the summary holds), remasks ψ = +∞. One position per token.
   */
  record(prev: Int32Array, ctx: StepContext): void {
    const { tokens, summary, layout: { maskId: V } } = ctx;
    this.fit(tokens.length);
    for (let n = 0; n < tokens.length; n++) {
      if (prev[n] === V && tokens[n] !== V) {
        if (tokens[n] !== summary.candidate[n]) throw new Error(`reveal scores: position ${n} was revealed to ${tokens[n]}, not to its candidate ${summary.candidate[n]} (reveals must come from ctx.draw)`);
        this.psi[n] = summary.candidateProb[n]!;
      } else if (prev[n] !== V && tokens[n] === V) this.psi[n] = Infinity;
    }
  }

  /**
   * Writes η_conf of sequence b into out[b·L .. (b+1)·L) (0 at masked and prompt positions; all 0 when no
   * revealed position has a finite ψ) and returns R, the number of revealed non-prompt positions of b.
   */
  weights(ctx: StepContext, b: number, out: Float64Array): number {
    const { tokens, fixed, layout: { maskId: V }, length: L } = ctx;
    this.fit(tokens.length);
    let revealed = 0;
    let minPsi = Infinity;
    for (let n = b * L; n < (b + 1) * L; n++) {
      out[n] = 0;
      if (tokens[n] === V || (fixed !== null && fixed[n])) continue;
      revealed++;
      minPsi = Math.min(minPsi, this.psi[n]!);
    }
    if (minPsi === Infinity) return revealed;
    let total = 0;
    for (let n = b * L; n < (b + 1) * L; n++) {
      if (tokens[n] === V || (fixed !== null && fixed[n])) continue;
      out[n] = Math.exp(minPsi - this.psi[n]!);
      total += out[n]!;
    }
    for (let n = b * L; n < (b + 1) * L; n++) out[n]! /= total;
    return revealed;
  }
}
