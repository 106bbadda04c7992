/** Block diffusion's evaluation Denoiser: the prediction of every block from its noisy tokens and the clean earlier blocks (extras.context). */
import { noGrad, tensor, tidy, type Tensor } from "../../engine/index.js";
import type { Denoiser, PredictExtras, States } from "../../diffusion/denoiser.js";
import type { Parameterization } from "../../diffusion/parameterization.js";
import type { StateLayout } from "../../diffusion/state-layout.js";
import { blockOfPosition, perToken } from "./block-times.js";
import { blockCount } from "./mask.js";
import type { PairPass } from "./pair-pass.js";

/** One latent per block [B·N_B·K] spread to every token of its block: [B, L, K]. */
function blockLatentPerToken(latent: Float64Array, B: number, L: number, blockSize: number): Tensor {
  const nb = blockCount(L, blockSize);
  const K = latent.length / (B * nb);
  if (!Number.isInteger(K) || K < 1) throw new Error(`block diffusion: a latent of ${latent.length} values does not split into ${B}·${nb} blocks`);
  return perToken(tensor(latent, [B, nb, K], { dtype: "float32" }), blockOfPosition(L, blockSize));
}

/**
 * predict(z, t, { context: x }) = logits [B, L, C] of one pass over [z ; x] in evaluation mode without autograd; t holds one
 * time per sequence [B] or per token [B·L]; a latent-conditioned network takes extras.latent, one latent per block
 * [B·N_B·K] (block j's tokens get latent j). Without a context it throws: block diffusion predicts a block from earlier clean blocks.
 */
export function pairDenoiser(pass: PairPass, layout: StateLayout, parameterization: Parameterization): Denoiser {
  const network = pass.network;
  return {
    layout,
    parameterization,
    timeConditioned: network.timeConditioned,
    predict(states: States, t: Float64Array, extras?: PredictExtras): Float64Array {
      const x = extras?.context;
      if (x === undefined) throw new Error("block diffusion: predict() needs the clean sequence in extras.context (the earlier blocks it reads); to sample, use the method's block generator");
      const { batch: B, length: L } = states;
      if (x.length !== B * L) throw new Error(`block diffusion: context has ${x.length} tokens, expected ${B}·${L}`);
      if (t.length !== B && t.length !== B * L) throw new Error(`block diffusion: ${t.length} times, expected ${B} or ${B * L}`);
      const wasTraining = network.training;
      network.eval();
      try {
        return noGrad(() =>
          tidy(() => {
            const perToken = t.length === B ? Float64Array.from({ length: B * L }, (_, n) => t[Math.floor(n / L)]!) : t;
            const z = tensor(states.tokens, [B, L], { dtype: "int64" });
            const latent = extras?.latent && blockLatentPerToken(extras.latent, B, L, pass.blockSize);
            return pass.logits(z, tensor(x, [B, L], { dtype: "int64" }), tensor(perToken, [B, L], { dtype: "float32" }), latent).toFloat64Array();
          }),
        );
      } finally {
        network.train(wasTraining);
      }
    },
  };
}
