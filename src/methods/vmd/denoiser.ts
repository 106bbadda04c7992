/** A latent-variable Denoiser: a z-conditioned Denoiser plus its encoder as the LatentModel (evaluation mode, no autograd). */
import { noGrad, tensor, tidy, type Tensor } from "../../engine/index.js";
import type { Denoiser } from "../../diffusion/denoiser.js";
import type { Module } from "../../nn/index.js";

/** An encoder's Gaussian for clean tokens int64 [B, L] and mask flags bool [B, L]: mean and log-variance, [B, …] with `dim` values per row. */
export type Encode = (x: Tensor, masked: Tensor) => { mean: Tensor; logVar: Tensor };

/** `base` with latent = { dim, posterior by `encode` }; `net` is switched to evaluation mode while encoding. */
export function withEncoder(base: Denoiser, net: Module, encode: Encode, dim: number): Denoiser {
  return {
    ...base,
    latent: {
      dim,
      posterior(x, masked) {
        const wasTraining = net.training;
        net.eval();
        try {
          return noGrad(() =>
            tidy(() => {
              const q = encode(tensor(x.tokens, [x.batch, x.length], { dtype: "int64" }), tensor(masked, [x.batch, x.length], { dtype: "bool" }));
              return { mean: q.mean.toFloat64Array(), logVar: q.logVar.toFloat64Array() };
            }),
          );
        } finally {
          net.train(wasTraining);
        }
      },
    },
  };
}
