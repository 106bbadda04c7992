/** MD4 (and MDLM): absorbing-state masked diffusion with the SUBS parameterisation and the weighted cross-entropy ELBO. */
import { stepBound, truncatedContinuous } from "../../diffusion/bounds.js";
import { consistentSet } from "../../diffusion/parameterization.js";
import { samplerNames } from "../../diffusion/samplers/index.js";
import { tokenLayout } from "../../diffusion/state-layout.js";
import { DiT } from "../../models/dit.js";
import { netDenoiser } from "../../models/net-denoiser.js";
import type { TrainConfig } from "../../train/config.js";
import type { Method, MethodModel } from "../method.js";
import { md4Schema } from "./config.js";
import { md4Loss } from "./loss.js";

/** The DiT of a config for V classes (input table V + 1 rows, V logits). */
export function md4Network(config: TrainConfig, V: number): DiT {
  const m = config.model;
  return new DiT({ classes: V, d: m.d, layers: m.layers, heads: m.heads, cond: m.cond, dropout: m.dropout, timeConditioning: m.timeConditioning });
}

/** The MD4 method. */
export const md4: Method = {
  name: "md4",
  schema: md4Schema,
  build(config: TrainConfig, V: number): MethodModel {
    const network = md4Network(config, V);
    const layout = tokenLayout(V);
    const parameterization = consistentSet(layout);
    return {
      network,
      denoiser: () => netDenoiser(network, layout, parameterization),
      loss: (input) => md4Loss(network, parameterization, layout.maskId, input),
    };
  },
  bounds: () => [truncatedContinuous("nelbo", "NELBO", "digit"), stepBound("nelbo_T")],
  samplers: () => samplerNames,
  describe: () => "MD4: masked diffusion, one position per token",
  importFormat: { name: "mdlm", blocks: false, section: () => ({ name: "md4" }) },
};
