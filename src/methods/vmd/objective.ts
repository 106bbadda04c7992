/** VMD's training objective as an evaluation estimate (paper form, not a bound: its encoder sees x_t, so z changes with t). */
import type { BoundSpec } from "../../diffusion/bounds.js";
import { predictLogProbs } from "../../diffusion/denoiser.js";
import { drawGaussian, gaussianKl } from "../../diffusion/latent.js";
import { forwardSampleBatch } from "../../diffusion/losses/continuous.js";
import { jointCrossEntropy } from "../../diffusion/losses/token-terms.js";
import { antithetic } from "../../diffusion/time-sampling.js";
import type { VmdConfig } from "./config.js";

/** ∫_{tMin}^1 E[w(t)·CE(x | x_t, z) + λ(t)·KL(q(z | x, x_t) ‖ N(0, I))] dt at one antithetic t per sequence, λ as configured (no annealing). */
export function vmdObjective(name: string, options: VmdConfig): BoundSpec {
  return {
    name,
    certified: false,
    discrete: false,
    label: (o) => `VMD's training objective, λ(t) = ${options.klWeight === "time" ? "β·w(t)" : "β"} with β = ${options.beta}, t∈[${o.tMin}, 1] (paper form, not a bound)`,
    estimate(d, x, rng, o) {
      const lm = d.latent;
      if (!lm) throw new Error("vmdObjective needs a latent-variable denoiser");
      const t = antithetic(x.batch, rng, o.tMin);
      const alphas = t.map((tb) => o.schedule.alpha(tb));
      const y = forwardSampleBatch(x, (b) => alphas[b]!, d.layout.maskId, rng);
      const { mean, logVar } = lm.posterior(x, Uint8Array.from(y.tokens, (v) => (v === d.layout.maskId ? 1 : 0)));
      const latent = drawGaussian(mean, logVar, rng);
      const kl = gaussianKl(mean, logVar, lm.dim);
      const ce = jointCrossEntropy(predictLogProbs(d, y, t, { latent }), y, x, d.layout);
      return ce.map((c, b) => {
        const w = o.schedule.weight(t[b]!);
        return (1 - o.tMin) * ((c > 0 ? w * c : 0) + (options.klWeight === "time" ? w : 1) * options.beta * kl[b]!);
      });
    },
  };
}
