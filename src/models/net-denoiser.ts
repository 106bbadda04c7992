/** Adapts a network (z, t, latent) -> logits to the Denoiser interface that samplers and evaluators use. */
import { noGrad, tensor, tidy, type Tensor } from "../engine/index.js";
import type { Denoiser, PredictExtras, States } from "../diffusion/denoiser.js";
import type { Parameterization } from "../diffusion/parameterization.js";
import type { StateLayout } from "../diffusion/state-layout.js";
import type { Module } from "../nn/index.js";

/** A network the adapter can drive: a Module with the DiT's forward signature. */
export interface DenoisingNetwork extends Module {
  readonly timeConditioned: boolean;
  forward(z: Tensor, t: Tensor, latent?: Tensor): Tensor;
}

/** A Denoiser that runs the network in evaluation mode without autograd: float64 logits (predict) or the network's own tensor (predictTensor). */
export function netDenoiser(model: DenoisingNetwork, layout: StateLayout, parameterization: Parameterization): Denoiser {
  const predictTensor = (states: States, t: Float64Array, extras?: PredictExtras): Tensor => {
    const wasTraining = model.training;
    model.eval();
    try {
      return noGrad(() =>
        tidy(() => {
          const B = states.batch;
          const device = model.parameters()[0]?.device ?? "cpu";
          const z = tensor(states.tokens, [B, states.length], { dtype: "int64", device });
          const times = tensor(t, t.length === B ? [B] : [B, t.length / B], { dtype: "float32", device });
          const latent = extras?.latent && tensor(extras.latent, [B, extras.latent.length / B], { dtype: "float32", device });
          return model.forward(z, times, latent);
        }),
      );
    } finally {
      model.train(wasTraining);
    }
  };
  return {
    layout,
    parameterization,
    timeConditioned: model.timeConditioned,
    predict: (states, t, extras) => tidy(() => predictTensor(states, t, extras).toFloat64Array()),
    predictTensor,
  };
}
