/** The learnable exponents of GenMD4's per-class schedule: w = softplus(ŵ), one per clean class, a Module like any weight. */
import { full, noGrad, tidy, type Tensor } from "../../engine/index.js";
import { Module } from "../../nn/index.js";
import { polynomialClassSchedule } from "./polynomial-schedule.js";
import type { ClassSchedule } from "../../diffusion/class-schedule.js";

/** softplus(x) = log(1 + eˣ), computed as relu(x) + log1p(e^−|x|) (no overflow for large x). */
export function softplus(x: Tensor): Tensor {
  return tidy(() => x.relu().add(x.abs().neg().exp().log1p()));
}

/** ŵ with softplus(ŵ) = w, for w > 0: log(expm1(w)). */
export function inverseSoftplus(w: number): number {
  return w > 30 ? w + Math.log1p(-Math.exp(-w)) : Math.log(Math.expm1(w));
}

/** Parameters ŵ [C] (float32), initialised so that every w_v = wInit. */
export class ClassExponents extends Module {
  /** The raw parameters ŵ. */
  readonly wHat: Tensor;

  constructor(readonly classes: number, wInit = 1) {
    super();
    this.wHat = this.param("w_hat", full([classes], inverseSoftplus(wInit)));
  }

  /** w = softplus(ŵ) [C], differentiable. */
  w(): Tensor {
    return softplus(this.wHat);
  }

  /** The current exponents as float64 numbers. */
  values(): Float64Array {
    return noGrad(() => tidy(() => this.w().toFloat64Array()));
  }

  /** The float64 per-class schedule of the current exponents (a snapshot). */
  schedule(eps: number): ClassSchedule {
    return polynomialClassSchedule(this.values(), eps);
  }
}
