/**
 * The Denoisers of one block during generation: noisy rows of the block next to a fixed clean prefix, read either from
 * a KvCache (no recomputation of the prefix) or by a full pass over [prefix ; block] (the reference the cache must equal).
 */
import { cat, noGrad, tensor, tidy, zeros, type Tensor } from "../../engine/index.js";
import type { Denoiser, PredictExtras, States } from "../../diffusion/denoiser.js";
import type { Parameterization } from "../../diffusion/parameterization.js";
import type { StateLayout } from "../../diffusion/state-layout.js";
import { blockCausal } from "../../models/attention-masks.js";
import type { DiT } from "../../models/dit.js";
import { positionRange, timeInput, type KvCache } from "./kv-cache.js";

/** How a block Denoiser computes logits for rows of states at per-row times, given a latent per row [R, K] when the network takes one. */
type BlockLogits = (states: States, t: Float64Array, latent: Tensor | undefined) => Float64Array;

/** The extras' latent (one per row, [R·K]) as a tensor [R, K]. */
function rowLatent(extras: PredictExtras | undefined, rows: number): Tensor | undefined {
  const z = extras?.latent;
  return z && tensor(z, [rows, z.length / rows], { dtype: "float32" });
}

/** What both block Denoisers share: layout, parameterization and how logits are computed for rows of states. */
function blockDenoiser(network: DiT, layout: StateLayout, parameterization: Parameterization, logits: BlockLogits): Denoiser {
  return {
    layout,
    parameterization,
    timeConditioned: network.timeConditioned,
    predict(states: States, t: Float64Array, extras?: PredictExtras): Float64Array {
      if (t.length !== states.batch) throw new Error(`block denoiser: one time per row expected, got ${t.length} for ${states.batch}`);
      const wasTraining = network.training;
      network.eval();
      try {
        return noGrad(() => tidy(() => logits(states, t, rowLatent(extras, states.batch))));
      } finally {
        network.train(wasTraining);
      }
    },
  };
}

/** The block at positions cache.length.. attends to the cached prefix's keys and values and to itself (every row sees the same prefix). */
export function cachedBlockDenoiser(cache: KvCache, layout: StateLayout, parameterization: Parameterization): Denoiser {
  const net = cache.network;
  return blockDenoiser(net, layout, parameterization, ({ tokens, batch: R, length: n }, t, latent) => {
    const past = cache.past?.map(({ k, v }) => ({ k: k.expand(R, ...k.shape.slice(1)), v: v.expand(R, ...v.shape.slice(1)) })) ?? null;
    const z = tensor(tokens, [R, n], { dtype: "int64" });
    return net.pass(z, timeInput(net, R, n, t), { positions: positionRange(cache.length, n), mask: null, past }, latent).logits.toFloat64Array();
  });
}

/** The latent per token [R, P + n, K] of a pass over [prefix ; block]: zero on the prefix, the row's latent on the block. */
function prefixBlockLatent(latent: Tensor | undefined, P: number, n: number): Tensor | undefined {
  if (!latent) return undefined;
  const [R, K] = latent.shape as [number, number];
  return cat([zeros([R, P, K]), latent.unsqueeze(1).expand(R, n, K)], 1);
}

/** The block after the clean `prefix` (whole blocks), by one block-causal pass over [prefix ; block] per call. */
export function recomputingBlockDenoiser(network: DiT, prefix: Int32Array, blockSize: number, layout: StateLayout, parameterization: Parameterization): Denoiser {
  const P = prefix.length;
  if (P % blockSize !== 0) throw new Error(`block denoiser: a prefix of ${P} tokens is not made of whole blocks of ${blockSize}`);
  return blockDenoiser(network, layout, parameterization, ({ tokens, batch: R, length: n }, t, latent) => {
    const z = cat([tensor(prefix, [1, P], { dtype: "int64" }).expand(R, P), tensor(tokens, [R, n], { dtype: "int64" })], 1);
    const time = network.timeConditioned ? cat([timeInput(network, R, P, new Float64Array(R)), timeInput(network, R, n, t)], 1) : timeInput(network, R, n, t);
    const { logits } = network.pass(z, time, { positions: positionRange(0, P + n), mask: blockCausal(blockSize)(P + n, "cpu") }, prefixBlockLatent(latent, P, n));
    return logits.slice(1, P, P + n).toFloat64Array();
  });
}

/**
 * The block at positions P..P+n−1 of states [R, P + n] whose first P positions hold each row's own clean prefix (whole
 * blocks, given positions of the loop's state): one block-causal pass per call over the whole state, logits of all P + n.
 */
export function statePrefixBlockDenoiser(network: DiT, P: number, blockSize: number, layout: StateLayout, parameterization: Parameterization): Denoiser {
  if (P % blockSize !== 0) throw new Error(`block denoiser: a prefix of ${P} tokens is not made of whole blocks of ${blockSize}`);
  return blockDenoiser(network, layout, parameterization, ({ tokens, batch: R, length: S }, t, latent) => {
    const n = S - P;
    const z = tensor(tokens, [R, S], { dtype: "int64" });
    const time = network.timeConditioned ? cat([timeInput(network, R, P, new Float64Array(R)), timeInput(network, R, n, t)], 1) : timeInput(network, R, n, t);
    return network.pass(z, time, { positions: positionRange(0, S), mask: blockCausal(blockSize)(S, "cpu") }, prefixBlockLatent(latent, P, n)).logits.toFloat64Array();
  });
}
