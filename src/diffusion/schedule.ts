/** Masking schedules α(t): the probability that a token is still clean at time t ∈ [0, 1]. */
import type { ClassSchedule } from "./class-schedule.js";
import { cosineMd4, cosineMdlm, geometric, linear, logLinear, polynomial, squash } from "./schedules.js";

/** A masking schedule with analytic α, α′ and ELBO weight w = −α′/(1 − α). */
export interface Schedule {
  /** Name including parameters, e.g. 'linear', 'poly2', 'cosine-md4+squash' (scheduleFromName accepts those with default constants). */
  readonly name: string;
  /** α(t), decreasing from ≈1 at t = 0 to ≈0 at t = 1. */
  alpha(t: number): number;
  /** 1 − α(t), the masking probability, computed without cancellation (accurate near t = 0). */
  maskProb(t: number): number;
  /** dα/dt (≤ 0). */
  alphaPrime(t: number): number;
  /** −α′(t)/(1 − α(t)), computed without cancellation. */
  weight(t: number): number;
  /** The per-class form of a state-dependent schedule (GenMD4); absent for scalar schedules. */
  readonly perClass?: ClassSchedule;
}

/** Options of scheduleFromName. */
export interface ScheduleOptions {
  /** Wrap in MD4's ε-squash α = (1 − 2ε)α̂ + ε: true for ε = 1e-4, or the ε itself. */
  squash?: boolean | number;
  /** ε of cosine-mdlm and log-linear (default 1e-3). */
  eps?: number;
  /** ν_min of geometric (default 1e-4). */
  nuMin?: number;
  /** ν_max of geometric (default 20). */
  nuMax?: number;
}

/** The schedule names scheduleFromName understands ('polyK' / 'poly:K' take any exponent K > 0). */
export const SCHEDULE_NAMES = ["linear", "polyK", "poly:K", "cosine-md4", "cosine-mdlm", "log-linear", "geometric"] as const;

/** logSNR γ(α) = log α − log(1 − α), without cancellation for small α. */
export function logSnr(alpha: number): number {
  return Math.log(alpha) - Math.log1p(-alpha);
}

/** logSNR γ(t) of a schedule, using its accurate 1 − α (so also accurate as α → 1). */
export function logSnrAt(schedule: Schedule, t: number): number {
  return Math.log(schedule.alpha(t)) - Math.log(schedule.maskProb(t));
}

/**
 * A schedule by name: 'linear', 'poly2' or 'poly:3.5', 'cosine-md4', 'cosine-mdlm', 'log-linear',
 * 'geometric'; a '+squash' or '+squash:EPS' suffix (or opts.squash) adds MD4's ε-squash.
 */
export function scheduleFromName(name: string, opts: ScheduleOptions = {}): Schedule {
  const [baseName, ...mods] = name.trim().split("+");
  let squashEps = opts.squash === true ? 1e-4 : typeof opts.squash === "number" ? opts.squash : undefined;
  for (const m of mods) {
    const sq = /^squash(?::(.+))?$/.exec(m);
    if (!sq) throw new Error(`unknown schedule modifier '+${m}' in '${name}' (valid: +squash, +squash:EPS)`);
    squashEps = sq[1] === undefined ? 1e-4 : Number(sq[1]);
  }
  const base = baseSchedule(baseName ?? "", opts);
  return squashEps === undefined ? base : squash(base, squashEps);
}

/** The unwrapped schedule named by `name`. */
function baseSchedule(name: string, opts: ScheduleOptions): Schedule {
  switch (name) {
    case "linear": return linear();
    case "cosine-md4": return cosineMd4();
    case "cosine-mdlm": return cosineMdlm(opts.eps);
    case "log-linear": return logLinear(opts.eps);
    case "geometric": return geometric(opts.nuMin, opts.nuMax);
  }
  const poly = /^poly:?(.+)$/.exec(name);
  if (poly && poly[1] !== undefined && Number.isFinite(Number(poly[1]))) return polynomial(Number(poly[1]));
  throw new Error(`unknown schedule '${name}'; valid names: ${SCHEDULE_NAMES.join(", ")} (optionally with +squash)`);
}
