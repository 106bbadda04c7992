/**
 * BD3-LM's training loss: each block j of sequence b masked with probability 1 − α(t_{b,j}) (one time per block),
 * one pass over [x_t ; x_0], and the cross-entropy of the masked tokens of the noisy half weighted by their block's w(t).
 */
import { tensor, type Tensor } from "../../engine/index.js";
import { applyMask, drawMask } from "../../diffusion/process.js";
import { restrictedLogProbs, type Parameterization } from "../../diffusion/parameterization.js";
import { timeTensors, tokenNll, weightedSum } from "../../diffusion/losses/weighted-nll.js";
import type { LossInput, LossOutput } from "../method.js";
import { blockOfPosition, clippedTimes, perToken } from "./block-times.js";
import { blockCount } from "./mask.js";
import type { PairPass } from "./pair-pass.js";

/** What the loss needs besides the batch. */
export interface Bd3LossSetup {
  pass: PairPass;
  parameterization: Parameterization;
  maskId: number;
  /** The trainer's lower time limit (config.diffusion.tMin), to map its draws onto the clip range. */
  tMin: number;
  clip?: readonly [number, number];
}

/**
 * The block NELBO estimate (nats per token), term `nelbo`; with a clip [β, ω] the same weighted cross-entropy over
 * the clipped times, which is not a bound, logged as `clipped_objective`. input.t holds one time per block [B·N_B].
 */
export function bd3Loss(setup: Bd3LossSetup, { x, t, schedule, uniform }: LossInput): LossOutput {
  const [B, L] = x.shape as [number, number];
  const nb = blockCount(L, setup.pass.blockSize);
  if (t.length !== B * nb) throw new Error(`bd3 loss: ${t.length} times for ${B} sequences of ${nb} blocks (expected one per block, ${B * nb})`);
  const times = clippedTimes(t, setup.tMin, setup.clip);
  const { maskProb, weight } = timeTensors(times, schedule);
  const blockOf = blockOfPosition(L, setup.pass.blockSize, x.device);
  const tokenTimes = perToken(tensor(times, [B, nb], { device: x.device }), blockOf);
  const masked = drawMask([B, L], perToken(maskProb.reshape(B, nb), blockOf), uniform);
  const z = applyMask(x, masked, setup.maskId);
  const logits: Tensor = setup.pass.logits(z, x, tokenTimes).to("float32");
  const loss = weightedSum(tokenNll(restrictedLogProbs(setup.parameterization, logits, z), x), masked, perToken(weight.reshape(B, nb), blockOf));
  return { loss, terms: { [setup.clip ? "clipped_objective" : "nelbo"]: loss.item() } };
}
