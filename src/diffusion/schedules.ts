/** The concrete masking schedules of ALGORITHMS.md §1.2, each with analytic α, 1 − α, α′ and w. */
import type { Schedule } from "./schedule.js";

const HALF_PI = Math.PI / 2;

/** α = 1 − t; w = 1/t. */
export function linear(): Schedule {
  return {
    name: "linear",
    alpha: (t) => 1 - t,
    maskProb: (t) => t,
    alphaPrime: () => -1,
    weight: (t) => 1 / t,
  };
}

/** α = 1 − t^k (k > 0); w = k/t. */
export function polynomial(k: number): Schedule {
  if (!(k > 0) || !Number.isFinite(k)) throw new Error(`polynomial schedule needs a finite exponent k > 0, got ${k}`);
  return {
    name: `poly${k}`,
    alpha: (t) => -Math.expm1(k * Math.log(t)),
    maskProb: (t) => t ** k,
    alphaPrime: (t) => -k * t ** (k - 1),
    weight: (t) => k / t,
  };
}

/** MD4's cosine: α = 1 − sin(πt/2); w = (π/2)·cot(πt/2). */
export function cosineMd4(): Schedule {
  return {
    name: "cosine-md4",
    // 1 − sin(x) = 2 sin²(π/4 − x/2) avoids cancellation as t → 1.
    alpha: (t) => (t <= 0.5 ? 1 - Math.sin(HALF_PI * t) : 2 * Math.sin((Math.PI / 4) * (1 - t)) ** 2),
    maskProb: (t) => Math.sin(HALF_PI * t),
    alphaPrime: (t) => -HALF_PI * Math.cos(HALF_PI * t),
    weight: (t) => (HALF_PI * Math.cos(HALF_PI * t)) / Math.sin(HALF_PI * t),
  };
}

/** MDLM's cosine: α = ε + (1 − ε)cos(πt/2) (ε = 1e-3); w = (π/2)·cot(πt/4), independent of ε. */
export function cosineMdlm(eps = 1e-3): Schedule {
  return {
    name: eps === 1e-3 ? "cosine-mdlm" : `cosine-mdlm(eps=${eps})`,
    alpha: (t) => eps + (1 - eps) * Math.cos(HALF_PI * t),
    // 1 − cos(x) = 2 sin²(x/2).
    maskProb: (t) => (1 - eps) * 2 * Math.sin((Math.PI / 4) * t) ** 2,
    alphaPrime: (t) => -(1 - eps) * HALF_PI * Math.sin(HALF_PI * t),
    weight: (t) => (HALF_PI * Math.cos((Math.PI / 4) * t)) / Math.sin((Math.PI / 4) * t),
  };
}

/** MDLM's log-linear: ν(t) = −log(1 − (1 − ε)t), i.e. α = 1 − (1 − ε)t (ε = 1e-3); w = 1/t exactly. */
export function logLinear(eps = 1e-3): Schedule {
  return {
    name: eps === 1e-3 ? "log-linear" : `log-linear(eps=${eps})`,
    alpha: (t) => 1 - (1 - eps) * t,
    maskProb: (t) => (1 - eps) * t,
    alphaPrime: () => -(1 - eps),
    weight: (t) => 1 / t,
  };
}

/**
 * Geometric total noise ν(t) = ν_min^(1−t)·ν_max^t, α = exp(−ν); w = ν′/expm1(ν).
 * Defaults ν_min = 1e-4, ν_max = 20 are the SEDD/MDLM configuration values (the MDLM class's own
 * constructor defaults, 1e-3 and 1, leave α(1) ≈ 0.37 and are not a usable masking schedule).
 */
export function geometric(nuMin = 1e-4, nuMax = 20): Schedule {
  if (!(nuMin > 0 && nuMax > nuMin)) throw new Error(`geometric schedule needs 0 < nuMin < nuMax, got ${nuMin}, ${nuMax}`);
  const logMin = Math.log(nuMin);
  const logRatio = Math.log(nuMax) - logMin;
  const nu = (t: number): number => Math.exp(logMin + t * logRatio);
  const isDefault = nuMin === 1e-4 && nuMax === 20;
  return {
    name: isDefault ? "geometric" : `geometric(nuMin=${nuMin},nuMax=${nuMax})`,
    alpha: (t) => Math.exp(-nu(t)),
    maskProb: (t) => -Math.expm1(-nu(t)),
    alphaPrime: (t) => -Math.exp(-nu(t)) * nu(t) * logRatio,
    weight: (t) => (nu(t) * logRatio) / Math.expm1(nu(t)),
  };
}

/** MD4's ε-squash of any schedule: α = (1 − 2ε)α̂ + ε (ε = 1e-4), so α ∈ [ε, 1 − ε] and w ≤ max|α̂′|/ε. */
export function squash(base: Schedule, eps = 1e-4): Schedule {
  if (!(eps > 0 && eps < 0.5)) throw new Error(`squash needs 0 < eps < 0.5, got ${eps}`);
  const scale = 1 - 2 * eps;
  const maskProb = (t: number): number => scale * base.maskProb(t) + eps;
  return {
    name: eps === 1e-4 ? `${base.name}+squash` : `${base.name}+squash:${eps}`,
    alpha: (t) => scale * base.alpha(t) + eps,
    maskProb,
    alphaPrime: (t) => scale * base.alphaPrime(t),
    weight: (t) => (-scale * base.alphaPrime(t)) / maskProb(t),
  };
}
