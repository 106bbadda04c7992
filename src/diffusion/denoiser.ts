/** The one interface samplers and evaluators need from a network (or from an exact table model). */

/** A batch of noisy states: tokens in 0..V (V = MASK), row-major [batch, length]. */
export interface States {
  tokens: Int32Array;
  batch: number;
  length: number;
}

/** Predicts clean-token logits for masked states. */
export interface Denoiser {
  /** Number of real classes V; the mask id is V. */
  readonly vocabSize: number;
  /** Whether the output depends on t; when false, idle sampling steps reuse the last prediction exactly. */
  readonly timeConditioned: boolean;
  /** Logits over the V real classes, float64 [batch, length, V]; t holds one time per sequence. */
  predict(states: States, t: Float64Array): Float64Array;
}
