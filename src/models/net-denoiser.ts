/** Adapts a DiT to the Denoiser interface that samplers and evaluators use. */
import { noGrad, tensor, tidy } from "../engine/index.js";
import type { Denoiser, States } from "../diffusion/denoiser.js";
import type { DiT } from "./dit.js";

/** A Denoiser that runs the network in evaluation mode without autograd and returns float64 logits. */
export function netDenoiser(model: DiT): Denoiser {
  return {
    vocabSize: model.config.vocab - 1,
    timeConditioned: model.timeConditioned,
    predict(states: States, t: Float64Array): Float64Array {
      const wasTraining = model.training;
      model.eval();
      try {
        return noGrad(() =>
          tidy(() => {
            const z = tensor(states.tokens, [states.batch, states.length], { dtype: "int64" });
            return model.forward(z, tensor(t, [states.batch], { dtype: "float32" })).toFloat64Array();
          }),
        );
      } finally {
        model.train(wasTraining);
      }
    },
  };
}
