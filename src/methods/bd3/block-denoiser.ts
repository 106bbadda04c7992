/**
 * The Denoisers of one block during generation: noisy rows of the block next to a fixed clean prefix, read either from
 * a KvCache (no recomputation of the prefix) or by a full pass over [prefix ; block] (the reference the cache must equal).
 */
import { cat, noGrad, tensor, tidy } from "../../engine/index.js";
import type { Denoiser, States } from "../../diffusion/denoiser.js";
import type { Parameterization } from "../../diffusion/parameterization.js";
import type { StateLayout } from "../../diffusion/state-layout.js";
import { blockCausal } from "../../models/attention-masks.js";
import type { DiT } from "../../models/dit.js";
import { positionRange, timeInput, type KvCache } from "./kv-cache.js";

/** What both block Denoisers share: layout, parameterization and how logits are computed for rows of states. */
function blockDenoiser(network: DiT, layout: StateLayout, parameterization: Parameterization, logits: (states: States, t: Float64Array) => Float64Array): Denoiser {
  return {
    layout,
    parameterization,
    timeConditioned: network.timeConditioned,
    predict(states: States, t: Float64Array): Float64Array {
      if (t.length !== states.batch) throw new Error(`block denoiser: one time per row expected, got ${t.length} for ${states.batch}`);
      const wasTraining = network.training;
      network.eval();
      try {
        return noGrad(() => tidy(() => logits(states, t)));
      } finally {
        network.train(wasTraining);
      }
    },
  };
}

/** The block at positions cache.length.. attends to the cached prefix's keys and values and to itself (every row sees the same prefix). */
export function cachedBlockDenoiser(cache: KvCache, layout: StateLayout, parameterization: Parameterization): Denoiser {
  const net = cache.network;
  return blockDenoiser(net, layout, parameterization, ({ tokens, batch: R, length: n }, t) => {
    const past = cache.past?.map(({ k, v }) => ({ k: k.expand(R, ...k.shape.slice(1)), v: v.expand(R, ...v.shape.slice(1)) })) ?? null;
    const z = tensor(tokens, [R, n], { dtype: "int64" });
    return net.pass(z, timeInput(net, R, n, t), { positions: positionRange(cache.length, n), mask: null, past }).logits.toFloat64Array();
  });
}

/** The block after the clean `prefix` (whole blocks), by one block-causal pass over [prefix ; block] per call. */
export function recomputingBlockDenoiser(network: DiT, prefix: Int32Array, blockSize: number, layout: StateLayout, parameterization: Parameterization): Denoiser {
  const P = prefix.length;
  if (P % blockSize !== 0) throw new Error(`block denoiser: a prefix of ${P} tokens is not made of whole blocks of ${blockSize}`);
  return blockDenoiser(network, layout, parameterization, ({ tokens, batch: R, length: n }, t) => {
    const z = cat([tensor(prefix, [1, P], { dtype: "int64" }).expand(R, P), tensor(tokens, [R, n], { dtype: "int64" })], 1);
    const time = network.timeConditioned ? cat([timeInput(network, R, P, new Float64Array(R)), timeInput(network, R, n, t)], 1) : timeInput(network, R, n, t);
    const { logits } = network.pass(z, time, { positions: positionRange(0, P + n), mask: blockCausal(blockSize)(P + n, "cpu") });
    return logits.slice(1, P, P + n).toFloat64Array();
  });
}
