/** Block diffusion's evaluation Denoiser: the prediction of every block from its noisy tokens and the clean earlier blocks (extras.context). */
import { noGrad, tensor, tidy } from "../../engine/index.js";
import type { Denoiser, PredictExtras, States } from "../../diffusion/denoiser.js";
import type { Parameterization } from "../../diffusion/parameterization.js";
import type { StateLayout } from "../../diffusion/state-layout.js";
import type { PairPass } from "./pair-pass.js";

/**
 * predict(z, t, { context: x }) = logits [B, L, C] of one pass over [z ; x] in evaluation mode without autograd; t holds one
 * time per sequence [B] or per token [B·L]. Without a context it throws: block diffusion predicts a block from earlier clean blocks.
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
            return pass.logits(z, tensor(x, [B, L], { dtype: "int64" }), tensor(perToken, [B, L], { dtype: "float32" })).toFloat64Array();
          }),
        );
      } finally {
        network.train(wasTraining);
      }
    },
  };
}
