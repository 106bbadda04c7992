/** The one interface samplers and evaluators need from a network (or from an exact table model). */
import { tensor, type Tensor } from "../engine/index.js";
import { logProbsFloat64, type Parameterization } from "./parameterization.js";
import type { StateLayout } from "./state-layout.js";

/** A batch of noisy states, row-major [batch, length]: `length` state positions per sequence (tokens × ℓ). */
export interface States {
  tokens: Int32Array;
  batch: number;
  length: number;
}

/** What a prediction is conditioned on besides the state. */
export interface PredictExtras {
  /** A latent vector per sequence, row-major [batch, latentDim] (VMD). */
  latent?: Float64Array;
  /** Clean tokens [batch, length] whose earlier blocks the prediction of each block reads (block diffusion). */
  context?: Int32Array;
}

/** The latent variable of a latent-variable denoiser (VMD-style): a per-sequence z with prior N(0, I) and an encoder. */
export interface LatentModel {
  /** Dimensions of z per sequence. */
  readonly dim: number;
  /**
   * The encoder's diagonal Gaussian q(z | x, mask pattern) for clean sequences x [batch, length] and a mask flag per
   * position (1 = masked): mean and log-variance, row-major [batch, dim].
   */
  posterior(x: States, masked: Uint8Array): { mean: Float64Array; logVar: Float64Array };
}

/** Predicts clean-token logits for noisy states. */
export interface Denoiser {
  /** How state positions map to tokens and classes (mask id, positions per token). */
  readonly layout: StateLayout;
  /** Turns logits + state into probabilities over the real classes (carry-over lives here). */
  readonly parameterization: Parameterization;
  /** Whether the output depends on t; when false, idle sampling steps reuse the last prediction exactly. */
  readonly timeConditioned: boolean;
  /**
   * Logits over the C real classes, float64 [batch, tokens, C] (tokens = length / ℓ). `t` holds one time
   * per sequence [batch] or one per token [batch·tokens] (block diffusion).
   */
  predict(states: States, t: Float64Array, extras?: PredictExtras): Float64Array;
  /** Present when predictions are conditioned on a per-sequence latent (extras.latent is then required). */
  readonly latent?: LatentModel;
  /**
   * The same logits as a tensor [batch, tokens, C] in the network's dtype, on its device (the caller disposes
   * it): what samplers use, so that no B·n·C array crosses into JavaScript. Optional; without it they wrap predict().
   */
  predictTensor?(states: States, t: Float64Array, extras?: PredictExtras): Tensor;
}

/** The logits of `states` as a tensor [batch, tokens, C] (predictTensor when the denoiser has it), shape checked. */
export function predictLogitsTensor(d: Denoiser, states: States, t: Float64Array, extras?: PredictExtras): Tensor {
  const C = d.layout.classes;
  const tokens = states.length / d.layout.positionsPerToken;
  const shape = [states.batch, tokens, C];
  if (d.predictTensor) {
    const x = d.predictTensor(states, t, extras);
    if (x.shape.join() !== shape.join()) {
      x.dispose();
      throw new Error(`denoiser returned logits of shape [${x.shape.join(", ")}], expected [${shape.join(", ")}]`);
    }
    return x;
  }
  const logits = d.predict(states, t, extras);
  if (logits.length !== states.batch * tokens * C) throw new Error(`denoiser returned ${logits.length} logits, expected ${states.batch * tokens}·${C} = ${states.batch * tokens * C}`);
  return tensor(logits, shape, { dtype: "float64" });
}

/** Float64 log-probabilities [batch·tokens·C] of the denoiser's prediction for `states`, through its Parameterization. */
export function predictLogProbs(d: Denoiser, states: States, t: Float64Array, extras?: PredictExtras): Float64Array {
  const C = d.layout.classes;
  const logits = d.predict(states, t, extras);
  const tokens = (states.batch * states.length) / d.layout.positionsPerToken;
  if (logits.length !== tokens * C) throw new Error(`denoiser returned ${logits.length} logits, expected ${tokens}·${C} = ${tokens * C}`);
  return logProbsFloat64(d.parameterization, logits, states.tokens, states.batch, states.length, C);
}
