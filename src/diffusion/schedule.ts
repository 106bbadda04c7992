/** Masking schedules α(t): the probability that a token is still clean at time t ∈ [0, 1]. */

/** A masking schedule with analytic α, α′ and ELBO weight w = −α′/(1 − α). */
export interface Schedule {
  /** Name including parameters, e.g. 'linear', 'poly2', 'cosine-md4'. */
  readonly name: string;
  /** α(t), decreasing from ≈1 at t = 0 to ≈0 at t = 1. */
  alpha(t: number): number;
  /** dα/dt (≤ 0). */
  alphaPrime(t: number): number;
  /** −α′(t)/(1 − α(t)), computed without cancellation. */
  weight(t: number): number;
}
