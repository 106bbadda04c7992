/** Optimisers and training utilities. */
export { AdamW, type AdamWOptions, type AdamWState } from "./adamw.js";
export { clipGradNorm } from "./clip.js";
export { warmupCosine } from "./lr-schedule.js";
export { Ema } from "./ema.js";
