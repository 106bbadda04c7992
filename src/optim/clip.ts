/** Gradient clipping by global norm. */
import { noGrad, stack, tidy, type Tensor } from "../engine/index.js";

/** Scales all gradients so their joint L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Tensor[], maxNorm: number): number {
  return noGrad(() =>
    tidy(() => {
      const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
      if (grads.length === 0) return 0;
      const total = Math.sqrt(stack(grads.map((g) => g.to("float64").square().sum())).sum().item());
      const scale = maxNorm / (total + 1e-6);
      if (scale < 1) for (const g of grads) g.mulInPlace(scale);
      return total;
    }),
  );
}
