/**
 * Block-wise VMD's training objective as an evaluation estimate (paper form, not a bound: each block's encoder sees that
 * block's mask pattern at t_b, so z_b changes with t_b).
 */
import type { BoundSpec } from "../../diffusion/bounds.js";
import { drawGaussian, gaussianKl } from "../../diffusion/latent.js";
import { blockCrossEntropy, blockNoise } from "../bd3/block-nelbo.js";
import type { VmdConfig } from "../vmd/config.js";

/** Σ_b ∫_{tMin}^1 E[w(t_b)·CE_b(x | x_t, z_b) + λ(t_b)·KL(q(z_b | x0_{≤b}, mask of b) ‖ N(0, I))] dt_b, one antithetic t per block, no annealing. */
export function blockVmdObjective(name: string, blockSize: number, options: Pick<VmdConfig, "beta" | "klWeight">): BoundSpec {
  return {
    name,
    certified: false,
    discrete: false,
    label: (o) => `block-wise VMD's training objective (blocks of ${blockSize}), λ(t) = ${options.klWeight === "time" ? "β·w(t)" : "β"} with β = ${options.beta}, t∈[${o.tMin}, 1] per block (paper form, not a bound)`,
    estimate(d, x, rng, o) {
      const lm = d.latent;
      if (!lm) throw new Error("blockVmdObjective needs a latent-variable denoiser");
      const noise = blockNoise(x, blockSize, o.schedule, rng, { kind: "continuous", tMin: o.tMin }, d.layout.maskId);
      const { mean, logVar } = lm.posterior(x, Uint8Array.from(noise.y.tokens, (v) => (v === d.layout.maskId ? 1 : 0)));
      const latent = drawGaussian(mean, logVar, rng);
      const kl = gaussianKl(mean, logVar, lm.dim / noise.blocks);
      const ce = blockCrossEntropy(d, x, blockSize, noise, { latent });
      const out = new Float64Array(x.batch);
      ce.forEach((c, j) => {
        const lambda = (options.klWeight === "time" ? o.schedule.weight(noise.t[j]!) : 1) * options.beta;
        out[Math.floor(j / noise.blocks)] += (c > 0 ? noise.coef[j]! * c : 0) + (1 - o.tMin) * lambda * kl[j]!;
      });
      return out;
    },
  };
}
