/** Parameter initialisers, drawn from the seeded generator. */
import { noGrad, rand, randn, zeros, type Tensor } from "../engine/index.js";

/** Uniform on [-bound, bound). */
export function uniform(shape: number[], bound: number): Tensor {
  return noGrad(() => {
    const u = rand(shape);
    const r = u.mul(2 * bound).sub(bound);
    u.dispose();
    return r;
  });
}

/** Normal with mean 0 and the given standard deviation. */
export function normal(shape: number[], std: number): Tensor {
  return noGrad(() => {
    const n = randn(shape);
    const r = n.mul(std);
    n.dispose();
    return r;
  });
}

/** Zeros. */
export function zeroInit(shape: number[]): Tensor {
  return zeros(shape);
}
