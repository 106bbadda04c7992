/** Likelihood bounds and objectives with honest labels: which are certified upper bounds and which are not. */
import type { Rng } from "../engine/rng.js";
import type { Denoiser, States } from "./denoiser.js";
import { continuousNelbo, type Integrand } from "./losses/continuous.js";
import { discreteNelbo } from "./losses/discrete.js";
import type { Schedule } from "./schedule.js";

/** Options of a bound's estimate. */
export interface BoundOptions {
  schedule: Schedule;
  /** Lower end of the time integral of continuous forms (MDLM's protocol: 1e-3). */
  tMin: number;
  /** T of T-step bounds. */
  steps: number;
}

/** A likelihood bound or objective a method reports. */
export interface BoundSpec {
  /** Machine name (log keys, --json). */
  name: string;
  /** true: an upper bound on −log p (estimated without bias); false: printed under its own name, never after "≤". */
  certified: boolean;
  /** What the number is, for people. */
  label(options: BoundOptions): string;
  /** Whether the estimate uses options.steps. */
  discrete: boolean;
  /** One-sample estimate per clean token sequence (nats). */
  estimate(denoiser: Denoiser, x: States, rng: Rng, options: BoundOptions): Float64Array;
}

/**
 * A continuous-time form integrated over [tMin, 1] (MDLM's protocol). Leaving out [0, tMin] puts it
 * slightly below the full integral, so it is never certified, whatever its integrand.
 */
export function truncatedContinuous(name: string, what: string, integrand: Integrand): BoundSpec {
  return {
    name,
    certified: false,
    discrete: false,
    label: (o) => `${what}, continuous time over t∈[${o.tMin}, 1] (truncated, so not a certified bound)`,
    estimate: (d, x, rng, o) => continuousNelbo(d, x, o.schedule, rng, { tMin: o.tMin, integrand }),
  };
}

/** The exact T-step bound of the model's own T-step sampler on the grid k/T: a certified upper bound on −log p. */
export function stepBound(name: string): BoundSpec {
  return {
    name,
    certified: true,
    discrete: true,
    label: (o) => `T-step NELBO, T = ${o.steps} (certified upper bound)`,
    estimate: (d, x, rng, o) => discreteNelbo(d, x, o.schedule, o.steps, rng),
  };
}
