/**
 * Block-wise VMD's bounds for the sampler that draws z_b ~ N(0, I) once per block: p(x) = ∏_b ∫ N(z_b) p(x_b | x_<b, z_b) dz_b,
 * so −log p(x) ≤ Σ_b KL(q(z_b | x) ‖ N(0, I)) + E_q[NELBO(x_b | x_<b, z_b)] for any q; q = the block encoder at the all-MASK pattern.
 */
import type { BoundSpec } from "../../diffusion/bounds.js";
import { withKl } from "../../diffusion/latent-bounds.js";
import { blockNelbo } from "../bd3/block-nelbo.js";

/** The per-block bounds of the sampler that draws z_b ~ N(0, I) once per block: Σ_b KL(q(z_b | x) ‖ N(0, I)) + E_q[bound of block b given z_b]. */
export function blockLatentBounds(blockSize: number): BoundSpec[] {
  return [
    {
      name: "nelbo",
      certified: false,
      discrete: false,
      label: (o) => `Σ_b KL(q(z_b|x) ‖ N(0, I)) + per-block NELBO given z_b (blocks of ${blockSize}), continuous time over t∈[${o.tMin}, 1] (truncated, so not a certified bound)`,
      estimate: (d, x, rng, o) => withKl(d, x, rng, (dz) => blockNelbo(dz, x, blockSize, o.schedule, rng, { kind: "continuous", tMin: o.tMin })),
    },
    {
      name: "nelbo_T",
      certified: true,
      discrete: true,
      label: (o) => `Σ_b KL(q(z_b|x) ‖ N(0, I)) + per-block T-step NELBO given z_b (blocks of ${blockSize}), T = ${o.steps} steps per block, for the sampler that draws z_b once per block (certified upper bound)`,
      estimate: (d, x, rng, o) => withKl(d, x, rng, (dz) => blockNelbo(dz, x, blockSize, o.schedule, rng, { kind: "steps", T: o.steps })),
    },
  ];
}
